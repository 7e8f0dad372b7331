package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.SceneStore;
import dev.livelink.store.VersionHeader;
import dev.livelink.wire.Json;
import java.io.IOException;

/** {@code /v1/scenes/{scene}/versions/{version}/acks}: receivers ack, the hub relays, senders wait. */
final class AckRoutes {
  private static final int MAX_WAIT_MILLIS = 120_000;

  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;
  private final HubEvents events;
  private final Federation federation;

  AckRoutes(SceneStore store, Peers peers, AckBoard acks, HubEvents events, Federation federation) {
    this.federation = federation;
    this.store = store;
    this.peers = peers;
    this.acks = acks;
    this.events = events;
  }

  /**
   * An ack counts only from a peer the version was sent to (by the publish, or by the catch-up of its stream):
   * every client holds the token, so without this any of them could answer for a Blender it is not.
   */
  void ack(Request r) throws IOException {
    String scene = r.param("scene");
    int version = r.wholeNumberParam("version");
    ObjectNode o = r.jsonBody();
    String peer = Json.text(o, "peer");
    String status = Json.text(o, "status");
    if (!status.equals("ok") && !status.equals("failed")) {
      throw new HubException(400, "ack status \"" + status + "\" must be ok or failed");
    }
    VersionHeader v = existing(scene, version);
    Peer p = peers.get(peer);
    if (!mayAck(v, peer, p)) {
      throw new HubException(403, "peer \"" + peer + "\" was not sent version " + version + " of scene \"" + scene
          + "\"; only a peer a version went to acks it");
    }
    ObjectNode ack = Json.object();
    ack.put("scene", scene).put("version", version).put("peer", peer).put("status", status)
        .put("reason", Json.textOr(o, "reason", ""));
    if (p != null) {
      ack.put("app", p.app()).put("appVersion", p.appVersion()).put("document", p.document());
    }
    JsonNode timings = o.get("timings");
    ack.set("timings", timings != null && timings.isObject() ? timings : Json.object());
    acks.ack(scene, version, peer, ack);
    events.acked(ack);
    if (v.sender() != null) {
      peers.send(v.sender(), "ack", ack);
    }
    federation.acked(scene, version, ack);
    r.noContent();
  }

  /**
   * Whom a version went to is on the ack board while it remembers the version; after a restart (or for a version
   * it forgot) the version's own record decides: its targets, or for a version to everyone any receiver but its
   * sender that takes from the sender's application.
   */
  private boolean mayAck(VersionHeader v, String peer, Peer p) {
    switch (acks.wasSent(v.scene(), v.number(), peer)) {
      case YES:
        return true;
      case NO:
        return false;
      default:
        if (v.targets() != null) {
          return v.targets().stream().anyMatch(t -> t.peer().equals(peer));
        }
        return p != null && p.receives() && !peer.equals(v.sender()) && p.takesFrom(v.origin().app());
    }
  }

  /** Answers when every target acked, or after {@code wait} milliseconds (at most two minutes). */
  void await(Request r) throws IOException, InterruptedException {
    String scene = r.param("scene");
    int version = r.wholeNumberParam("version");
    int wait = Math.min(r.query().wholeNumber("wait", 0), MAX_WAIT_MILLIS);
    existing(scene, version);
    if (wait == 0) {
      r.json(200, acks.await(scene, version, 0, peers::ids));
      return;
    }
    // Waiting takes no request thread from others: a sender may wait two minutes.
    r.becomeLongLived();
    try {
      r.json(200, acks.await(scene, version, wait, peers::ids));
    } finally {
      r.longLivedEnded();
    }
  }

  private VersionHeader existing(String scene, int version) {
    VersionHeader v = store.header(scene, version);
    if (v == null) {
      throw new HubException(404, store.latest(scene) == null ? "no scene \"" + scene + "\""
          : "no version " + version + " of scene \"" + scene + "\" (the hub keeps the last " + SceneStore.KEEP
              + ")");
    }
    return v;
  }

  void notAllowed(Request r) {
    r.wholeNumberParam("version"); // a bad version is the first thing wrong, as for the allowed methods
    throw new HubException(405, "method " + r.method() + " not allowed on acks");
  }
}
