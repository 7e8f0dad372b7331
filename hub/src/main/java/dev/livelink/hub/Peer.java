package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.List;

/** A registered application. Role is sender, receiver or both; accepts lists the formats it can take. */
public record Peer(String id, String app, String appVersion, long pid, String document, String role,
    List<String> accepts, long registeredAtMillis) {

  public boolean receives() {
    return role.equals("receiver") || role.equals("both");
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id).put("app", app).put("appVersion", appVersion).put("pid", pid).put("document", document)
        .put("role", role);
    accepts.forEach(o.putArray("accepts")::add);
    o.put("registeredAt", registeredAtMillis);
    return o;
  }
}
