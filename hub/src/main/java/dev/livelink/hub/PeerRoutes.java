package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.Origin;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Target;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /v1/peers}: register, list, say goodbye, and each peer's event stream with its hello and catch-up. */
final class PeerRoutes {
  private static final long HEARTBEAT_MILLIS = 1000;
  /** Names in a registration's {@code from}, and characters in one: far past any real list, short of abuse. */
  static final int MAX_FROM = 64;
  static final int MAX_APP_NAME = 100;

  private final RuntimeFile runtime;
  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;
  private final Federation federation;

  PeerRoutes(RuntimeFile runtime, SceneStore store, Peers peers, AckBoard acks, Federation federation) {
    this.runtime = runtime;
    this.store = store;
    this.peers = peers;
    this.acks = acks;
    this.federation = federation;
  }

  void register(Request r) throws IOException {
    ObjectNode o = r.jsonBody();
    String role = Json.textOr(o, "role", "both");
    if (!Set.of("sender", "receiver", "both").contains(role)) {
      throw new HubException(400, "role \"" + role + "\" must be sender, receiver or both");
    }
    List<String> accepts = new ArrayList<>();
    for (JsonNode a : Json.arrayOr(o, "accepts")) {
      accepts.add(a.asText());
    }
    Peer peer = peers.register(Json.text(o, "app"), Json.textOr(o, "appVersion", ""),
        o.path("pid").asLong(0), Json.textOr(o, "document", ""), role, accepts, from(o.get("from")));
    ObjectNode out = Json.object();
    out.put("id", peer.id());
    out.set("peer", peer.toJson());
    r.json(201, out);
  }

  /** A registration's {@code from}: absent or null is every application, as before the field existed. */
  static List<String> from(JsonNode f) {
    if (f == null || f.isNull()) {
      return List.of(Peer.ANY);
    }
    if (!f.isArray() || f.isEmpty()) {
      throw new HubException(400, "field \"from\" must be a non-empty array of application names or [\"*\"], got "
          + f);
    }
    if (f.size() > MAX_FROM) {
      throw new HubException(400, "field \"from\" names " + f.size() + " applications, over the limit of "
          + MAX_FROM);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode a : f) {
      if (!a.isTextual() || a.asText().isBlank() || a.asText().length() > MAX_APP_NAME) {
        throw new HubException(400, "field \"from\" holds " + a + ", not an application name (a non-empty string "
            + "of at most " + MAX_APP_NAME + " characters)");
      }
      out.add(a.asText());
    }
    return out;
  }

  void list(Request r) throws IOException {
    ObjectNode o = Json.object();
    o.set("peers", peers.toJson());
    r.json(200, o);
  }

  void remove(Request r) throws IOException {
    String id = r.param("peer");
    if (!peers.remove(id)) {
      throw new HubException(404, "no peer \"" + id + "\"");
    }
    r.noContent();
  }

  /**
   * Writes the peer's events on this request's thread until the peer leaves, is dropped, or the hub stops; once
   * accepted, the stream no longer counts against the request threads.
   */
  void events(Request r) throws IOException, InterruptedException {
    String id = r.param("peer");
    Peer peer = peers.get(id);
    if (peer == null) {
      throw new HubException(404, "no peer \"" + id + "\" (register first)");
    }
    r.becomeLongLived();
    try {
      List<Version> caughtUp = new ArrayList<>();
      EventChannel ch = peers.open(id, c -> hello(c, peer, caughtUp));
      if (ch == null) {
        throw new HubException(404, "no peer \"" + id + "\"");
      }
      try {
        // Outside the peers lock (the ack board may call into Peers): who was sent what by catch-up may ack it.
        caughtUp.forEach(v -> acks.caughtUp(v.scene().id(), v.number(), id));
        r.header("Cache-Control", "no-store");
        ch.pump(r.stream("text/event-stream", 0), HEARTBEAT_MILLIS, r.guard());
      } finally {
        // The peer closed its stream, or was cut: that is how departure is detected.
        peers.closed(id, ch);
      }
    } finally {
      r.longLivedEnded();
    }
  }

  /**
   * First event of a stream: who the peer is, every scene's latest version, and catch-up for a returning peer; the
   * versions sent by catch-up are added to {@code caughtUp}.
   */
  private void hello(EventChannel ch, Peer peer, List<Version> caughtUp) {
    ObjectNode o = Json.object();
    o.put("peer", peer.id()).put("hub", runtime.version());
    ObjectNode space = federation.space();
    if (space != null) {
      o.set("space", space);
    }
    ArrayNode scenes = o.putArray("scenes");
    List<Version> latest = store.latestOfEach();
    for (Version v : latest) {
      scenes.add(SceneJson.header(v.scene()).put("version", v.number()));
    }
    ch.offer(EventChannel.frame("hello", o));
    if (!peer.receives()) {
      return;
    }
    for (Version v : latest) {
      if (isFor(v, peer)) {
        ch.offer(EventChannel.frame("version", SceneRoutes.versionEvent(v)));
        caughtUp.add(v);
      }
    }
  }

  /**
   * A version is for a (re)connecting receiver when it went to a departed peer like it, or to every receiver and
   * this one takes from its sender's application and is not its sender: neither the same peer nor, once that peer
   * has left, a peer of the same application and document (the sender back under a new id).
   */
  private boolean isFor(Version v, Peer peer) {
    if (v.targets() == null) {
      Origin o = v.origin();
      boolean ownVersion = peer.id().equals(o.peer())
          || (o.sameSender(peer.app(), peer.document()) && (o.peer() == null || peers.get(o.peer()) == null));
      return !ownVersion && peer.takesFrom(o.app());
    }
    for (Target t : v.targets()) {
      if (t.peer().equals(peer.id())
          || (t.app().equals(peer.app()) && t.document().equals(peer.document()) && peers.get(t.peer()) == null)) {
        return true;
      }
    }
    return false;
  }
}
