package dev.livelink.runtime;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The livelink home (hub.json, install.json, the store): where docs/protocol.md says it is on each OS. */
public final class Home {
  private Home() {}

  /** The home of this process's user, from its environment and system properties. */
  public static Path defaultHome() {
    return resolve(System.getenv(), System.getProperty("user.home"), System.getProperty("os.name"));
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
