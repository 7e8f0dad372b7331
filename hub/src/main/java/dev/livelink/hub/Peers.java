package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Registered peers and their event channels. A peer leaves when its event stream ends or it says goodbye. */
final class Peers {
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<String, EventChannel> channels = new LinkedHashMap<>();

  synchronized Peer register(String app, String appVersion, long pid, String document, String role,
      List<String> accepts) {
    byte[] b = new byte[4];
    random.nextBytes(b);
    String id = app.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + "-" + HexFormat.of().formatHex(b);
    Peer p = new Peer(id, app, appVersion, pid, document, role, List.copyOf(accepts), System.currentTimeMillis());
    peers.put(id, p);
    broadcastPeers();
    return p;
  }

  synchronized Peer get(String id) {
    return peers.get(id);
  }

  synchronized List<Peer> list() {
    return new ArrayList<>(peers.values());
  }

  /** Opens the peer's channel, ending any earlier stream of the same peer. */
  synchronized EventChannel open(String id, Consumer<EventChannel> onOpen) {
    if (!peers.containsKey(id)) {
      return null;
    }
    EventChannel old = channels.remove(id);
    if (old != null) {
      old.close();
    }
    EventChannel ch = new EventChannel();
    channels.put(id, ch);
    onOpen.accept(ch);
    return ch;
  }

  /** The stream of {@code ch} ended: the peer has left, unless a newer stream replaced it. */
  synchronized void closed(String id, EventChannel ch) {
    if (channels.get(id) == ch) {
      channels.remove(id);
      peers.remove(id);
      broadcastPeers();
    }
  }

  synchronized boolean remove(String id) {
    EventChannel ch = channels.remove(id);
    if (ch != null) {
      ch.close();
    }
    boolean had = peers.remove(id) != null;
    if (had) {
      broadcastPeers();
    }
    return had;
  }

  synchronized void send(String id, String event, JsonNode data) {
    EventChannel ch = channels.get(id);
    if (ch != null) {
      ch.send(event, data);
    }
  }

  synchronized ArrayNode toJson() {
    ArrayNode a = Json.array();
    for (Peer p : peers.values()) {
      a.add(p.toJson().put("connected", channels.containsKey(p.id())));
    }
    return a;
  }

  private void broadcastPeers() {
    ObjectNode o = Json.object();
    o.set("peers", toJson());
    for (EventChannel ch : channels.values()) {
      ch.send("peers", o);
    }
  }

  synchronized void closeAll() {
    channels.values().forEach(EventChannel::close);
    channels.clear();
  }
}
