package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.AtomicFiles;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code hub.json}: how clients find a running hub. Written atomically with mode 0600; removed on clean stop. */
public record RuntimeFile(int port, String token, long pid, String version) {
  public static final String NAME = "hub.json";

  /** LIVELINK_HOME, else the per-user config directory of the OS. */
  public static Path defaultHome() {
    String env = System.getenv("LIVELINK_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String home = System.getProperty("user.home");
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    if (os.contains("win")) {
      String appData = System.getenv("APPDATA");
      return Path.of(appData != null ? appData : home, "livelink");
    }
    if (os.contains("mac")) {
      return Path.of(home, "Library", "Application Support", "livelink");
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    return Path.of(xdg != null && !xdg.isBlank() ? xdg : home + "/.config", "livelink");
  }

  public void write(Path home) throws IOException {
    ObjectNode o = Json.object();
    o.put("port", port).put("token", token).put("pid", pid).put("version", version).put("host", "127.0.0.1");
    AtomicFiles.write(home.resolve(NAME), Json.bytes(o), true);
  }

  /** @return the runtime file in {@code home}, or null when there is none */
  public static RuntimeFile read(Path home) throws IOException {
    byte[] b;
    try {
      b = Files.readAllBytes(home.resolve(NAME));
    } catch (NoSuchFileException e) {
      return null;
    }
    ObjectNode o = Json.parseObject(b);
    return new RuntimeFile(o.path("port").asInt(), o.path("token").asText(), o.path("pid").asLong(),
        o.path("version").asText());
  }
}
