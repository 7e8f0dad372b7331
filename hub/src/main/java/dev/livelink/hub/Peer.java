package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.List;

/**
 * A registered application. Role is sender, receiver or both; accepts lists the formats it can take; from lists the
 * applications whose untargeted versions it receives ({@code "*"}: every one).
 */
public record Peer(String id, String app, String appVersion, long pid, String document, String role,
    List<String> accepts, List<String> from, long registeredAtMillis) {

  /** Every application: what a peer that names none receives, as every receiver did before {@code from}. */
  public static final String ANY = "*";

  public boolean receives() {
    return role.equals("receiver") || role.equals("both");
  }

  /**
   * Whether a version sent to every receiver by {@code senderApp} is for this peer: its {@code from} holds
   * {@value #ANY} or that application, in any case. A sender whose application is not known (a version stored before
   * it was recorded) reaches only peers that take every application.
   */
  public boolean takesFrom(String senderApp) {
    for (String f : from) {
      if (f.equals(ANY) || f.equalsIgnoreCase(senderApp)) {
        return true;
      }
    }
    return false;
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id).put("app", app).put("appVersion", appVersion).put("pid", pid).put("document", document)
        .put("role", role);
    accepts.forEach(o.putArray("accepts")::add);
    from.forEach(o.putArray("from")::add);
    o.put("registeredAt", registeredAtMillis);
    return o;
  }
}
