package dev.livelink.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;

/** The livelink home (hub.json, install.json, the store): where docs/protocol.md says it is on each OS. */
public final class Home {
  private Home() {}

  /** The home of this process's user, from its environment and system properties. */
  public static Path defaultHome() {
    return resolve(System.getenv(), System.getProperty("user.home"), System.getProperty("os.name"));
  }

  /**
   * Creates {@code dir} (and missing parents) readable by its owner only (0700 where POSIX permissions exist): the
   * home holds the token and the user's models. A directory that already exists is left as it is, since
   * LIVELINK_HOME may name one the user made.
   */
  public static void createPrivate(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivate(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir); // Windows: the per-user profile directory is private already
    } catch (FileAlreadyExistsException e) {
      // Made by another process meanwhile.
    }
    AtomicFiles.syncDirectory(parent);
  }

  /** LIVELINK_HOME, else the per-user config directory of {@code osName}. */
  public static Path resolve(Map<String, String> env, String userHome, String osName) {
    String own = env.get("LIVELINK_HOME");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.contains("win")) {
      String appData = env.get("APPDATA");
      return Path.of(appData != null ? appData : userHome, "livelink");
    }
    if (os.contains("mac")) {
      return Path.of(userHome, "Library", "Application Support", "livelink");
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    return Path.of(xdg != null && !xdg.isBlank() ? xdg : userHome + "/.config", "livelink");
  }
}
