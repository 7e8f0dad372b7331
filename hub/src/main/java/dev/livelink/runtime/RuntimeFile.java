package dev.livelink.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code hub.json}: how clients find a running hub. The hub writes it atomically with mode 0600 and removes it on a
 * clean stop; the SDK and the connectors read it.
 */
public record RuntimeFile(int port, String token, long pid, String version) {
  public static final String NAME = "hub.json";

  public void write(Path home) throws IOException {
    ObjectNode o = Json.object();
    o.put("port", port).put("token", token).put("pid", pid).put("version", version).put("host", "127.0.0.1");
    AtomicFiles.write(home.resolve(NAME), Json.bytes(o), true);
  }

  /**
   * @return the runtime file in {@code home}, or null when there is none
   * @throws dev.livelink.model.ModelException when it is not a JSON object
   */
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
