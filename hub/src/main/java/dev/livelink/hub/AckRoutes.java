package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** {@code /v1/scenes/{scene}/versions/{version}/acks}: receivers ack, the hub relays, senders wait. */
final class AckRoutes {
  private static final int MAX_WAIT_MILLIS = 120_000;

  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;

  AckRoutes(SceneStore store, Peers peers, AckBoard acks) {
    this.store = store;
    this.peers = peers;
    this.acks = acks;
  }

  void ack(Request r) throws IOException {
    String scene = r.param("scene");
    int version = r.wholeNumberParam("version");
    ObjectNode o = r.jsonBody();
    String peer = Json.text(o, "peer");
    String status = Json.text(o, "status");
    if (!status.equals("ok") && !status.equals("failed")) {
      throw new HubException(400, "ack status \"" + status + "\" must be ok or failed");
    }
    SceneStore.Version v = store.version(scene, version);
    if (v == null) {
      throw new HubException(404, "no version " + version + " of scene \"" + scene + "\"");
    }
    ObjectNode ack = Json.object();
    ack.put("scene", scene).put("version", version).put("peer", peer).put("status", status)
        .put("reason", Json.textOr(o, "reason", ""));
    Peer p = peers.get(peer);
    if (p != null) {
      ack.put("app", p.app()).put("appVersion", p.appVersion()).put("document", p.document());
    }
    JsonNode timings = o.get("timings");
    ack.set("timings", timings != null && timings.isObject() ? timings : Json.object());
    acks.ack(scene, version, peer, ack);
    if (v.sender() != null) {
      peers.send(v.sender(), "ack", ack);
    }
    r.noContent();
  }

  /** Answers when every target acked, or after {@code wait} milliseconds (at most two minutes). */
  void await(Request r) throws IOException, InterruptedException {
    String scene = r.param("scene");
    int version = r.wholeNumberParam("version");
    int wait = Math.min(r.query().wholeNumber("wait", 0), MAX_WAIT_MILLIS);
    Set<String> connected = new HashSet<>();
    r.json(200, acks.await(scene, version, wait, () -> {
      connected.clear();
      peers.list().forEach(peer -> connected.add(peer.id()));
      return connected;
    }));
  }

  void notAllowed(Request r) {
    r.wholeNumberParam("version"); // a bad version is the first thing wrong, as for the allowed methods
    throw new HubException(405, "method " + r.method() + " not allowed on acks");
  }
}
