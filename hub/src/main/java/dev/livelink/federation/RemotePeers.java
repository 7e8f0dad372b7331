package dev.livelink.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation.RemotePeer;
import dev.livelink.hub.Peer;
import dev.livelink.wire.Json;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers of the other hubs of the space, from the KV bucket where each hub keeps one entry (its key is the hub's
 * id) and refreshes it every few seconds. nats-server 2.9 has no per-message TTL: the bucket's max age drops entries
 * of a hub that stopped refreshing, and since a watcher is not told when an entry ages out, an entry not refreshed
 * within that age is dropped here too. A hub that stops cleanly deletes its entry.
 */
final class RemotePeers implements KeyValueWatcher {
  private record Hub(String host, ArrayNode peersJson, List<RemotePeer> peers, long receivedNanos) {}

  private final String self;
  private final long ttlNanos;
  private final Runnable onChange;
  private final Map<String, Hub> hubs = new LinkedHashMap<>();
  private volatile List<RemotePeer> current = List.of();
  /** What this hub put last, and when (control thread only). */
  private byte[] announced;
  private long announcedAt;

  /** @param onChange runs (no lock held) when the list changed */
  RemotePeers(String self, Duration ttl, Runnable onChange) {
    this.self = self;
    this.ttlNanos = ttl.toNanos();
    this.onChange = onChange;
  }

  /** What this hub announces: its id, its host and its peers. */
  static byte[] announce(String hub, String host, List<Peer> peers) {
    ObjectNode o = Json.object().put("hub", hub).put("host", host);
    ArrayNode a = o.putArray("peers");
    peers.forEach(p -> a.add(p.toJson()));
    return Json.bytes(o);
  }

  /** Puts this hub's peers in the bucket when they changed, and at least every third of its max age. */
  void announce(Space s, String host, List<Peer> peers, boolean force, java.util.function.Consumer<String> problem) {
    byte[] a = announce(self, host, peers);
    long now = System.nanoTime();
    if (!force && java.util.Arrays.equals(a, announced) && now - announcedAt < ttlNanos / 3) {
      return;
    }
    try {
      s.peers().put(self, a);
      announced = a;
      announcedAt = now;
    } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
      problem.accept("could not announce this hub's peers: " + e.getMessage());
    }
  }

  List<RemotePeer> list() {
    return current;
  }

  @Override
  public void watch(KeyValueEntry e) {
    String hub = e.getKey();
    if (hub.equals(self)) {
      return;
    }
    boolean changed;
    if (e.getOperation() == KeyValueOperation.PUT) {
      Hub h;
      try {
        h = parse(hub, e.getValue());
      } catch (RuntimeException ex) {
        System.err.println("livelink: ignored the peers of hub " + hub + ": " + ex.getMessage());
        return;
      }
      synchronized (this) {
        Hub before = hubs.put(hub, h);
        changed = before == null || !before.peersJson().equals(h.peersJson()) || !before.host().equals(h.host());
        if (changed) {
          rebuild();
        }
      }
    } else {
      synchronized (this) {
        changed = hubs.remove(hub) != null;
        if (changed) {
          rebuild();
        }
      }
    }
    if (changed) {
      onChange.run();
    }
  }

  @Override
  public void endOfData() {
    // The entries present when the watch began have been read; later ones come as they change.
  }

  /** Drops hubs not heard from within the bucket's max age. */
  void expire() {
    long now = System.nanoTime();
    boolean changed;
    synchronized (this) {
      changed = hubs.values().removeIf(h -> now - h.receivedNanos() > ttlNanos);
      if (changed) {
        rebuild();
      }
    }
    if (changed) {
      onChange.run();
    }
  }

  /** Forgets every hub (the link closed). */
  void clear() {
    synchronized (this) {
      hubs.clear();
      rebuild();
    }
  }

  private void rebuild() {
    List<RemotePeer> all = new ArrayList<>();
    hubs.values().forEach(h -> all.addAll(h.peers()));
    current = List.copyOf(all);
  }

  private static Hub parse(String hub, byte[] value) {
    ObjectNode o = Json.parseObject(value);
    String host = Json.textOr(o, "host", "");
    ArrayNode peersJson = Json.arrayOr(o, "peers");
    List<RemotePeer> peers = new ArrayList<>();
    for (JsonNode p : peersJson) {
      if (!p.isObject()) {
        continue;
      }
      String role = Json.textOr(p, "role", "");
      peers.add(new RemotePeer(Json.text(p, "id"), Json.textOr(p, "app", ""), Json.textOr(p, "document", ""),
          role.equals("receiver") || role.equals("both"), (ObjectNode) p, hub, host));
    }
    return new Hub(host, peersJson, List.copyOf(peers), System.nanoTime());
  }
}
