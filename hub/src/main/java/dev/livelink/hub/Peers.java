package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Registered peers and their event channels. A peer leaves when its event stream ends, when it says goodbye, when
 * it does not read its stream (its queue overflows: it is told why with a {@code bye} event), and when it has had no
 * open stream for {@link Limits#peerStreamGrace} (it registered and never connected, or crashed in between).
 *
 * <p>Every change of the peer list is announced with one {@code peers} event per stream, at most once per
 * {@link Limits#peersBroadcastInterval}: the list is built and serialised once and the same bytes go to every
 * stream. (Announcing each change at once, to each stream, made 300 peers leaving together cost 300 × 300 lists.)
 * The broadcasts, the removal of stream-less peers and the {@code onLeave} callback run on one thread of their own,
 * outside this object's lock.
 */
final class Peers implements AutoCloseable {
  private final Limits limits;
  private final Runnable onLeave;
  private final Consumer<byte[]> onList;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<String, EventChannel> channels = new LinkedHashMap<>();
  /** Peers with no open stream, and since when (System.nanoTime()). */
  private final Map<String, Long> streamless = new LinkedHashMap<>();
  /** The ids of registered peers, replaced whole on every change: read without the lock (see AckBoard). */
  private volatile Set<String> ids = Set.of();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "livelink-peers");
    t.setDaemon(true);
    return t;
  });
  /** Receivers on other hubs (see Federation): listed after the local peers, and connected as far as acks go. */
  private volatile Supplier<List<Federation.RemotePeer>> remote = List::of;
  private boolean broadcastScheduled;
  private long lastBroadcast = System.nanoTime() - Long.MAX_VALUE / 4;
  private long broadcasts;

  /**
   * @param onLeave runs (on the peers thread, no lock held) after peers left, so ack waiters re-check
   * @param onList is handed every {@code peers} frame, whether or not a peer stream is open (the hub's page)
   */
  Peers(Limits limits, Runnable onLeave, Consumer<byte[]> onList) {
    this.limits = limits;
    this.onLeave = onLeave;
    this.onList = onList;
    long every = Math.max(100, Math.min(5000, limits.peerStreamGrace.toMillis() / 4));
    timer.scheduleWithFixedDelay(this::removeStreamless, every, every, TimeUnit.MILLISECONDS);
  }

  /** @throws HubException 503 when the hub holds {@link Limits#maxPeers} peers */
  synchronized Peer register(String app, String appVersion, long pid, String document, String role,
      List<String> accepts, List<String> from) {
    if (peers.size() >= limits.maxPeers) {
      throw new HubException(503, "the hub has " + peers.size() + " peers registered, its limit; a peer that "
          + "does not open its event stream is removed after " + limits.peerStreamGrace.toSeconds() + " s");
    }
    byte[] b = new byte[4];
    random.nextBytes(b);
    String id = app.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + "-" + HexFormat.of().formatHex(b);
    Peer p = new Peer(id, app, appVersion, pid, document, role, List.copyOf(accepts), List.copyOf(from),
        System.currentTimeMillis());
    peers.put(id, p);
    streamless.put(id, System.nanoTime());
    changed(false);
    return p;
  }

  synchronized Peer get(String id) {
    return peers.get(id);
  }

  synchronized List<Peer> list() {
    return new ArrayList<>(peers.values());
  }

  void remote(Supplier<List<Federation.RemotePeer>> remote) {
    this.remote = remote;
  }

  /** The remote peers changed: one broadcast, as for a local change. */
  synchronized void remoteChanged() {
    changed(false);
  }

  /** The ids of the registered peers and of remote receivers; lock-free, for callers that hold other locks. */
  Set<String> ids() {
    return ids;
  }

  /**
   * Opens the peer's channel, ending any earlier stream of the same peer; {@code onOpen} queues the first events.
   *
   * @return the channel, or null when the peer is not registered
   */
  synchronized EventChannel open(String id, Consumer<EventChannel> onOpen) {
    if (!peers.containsKey(id)) {
      return null;
    }
    EventChannel old = channels.remove(id);
    if (old != null) {
      old.bye("replaced by a newer event stream of this peer");
    }
    EventChannel ch = new EventChannel(limits.peerQueueBytes);
    channels.put(id, ch);
    streamless.remove(id);
    onOpen.accept(ch);
    changed(false);
    return ch;
  }

  /** The stream of {@code ch} ended: the peer has left, unless a newer stream replaced it. */
  synchronized void closed(String id, EventChannel ch) {
    if (channels.get(id) == ch) {
      channels.remove(id);
      peers.remove(id);
      streamless.remove(id);
      changed(true);
    }
  }

  /** A goodbye. @return false when there was no such peer */
  synchronized boolean remove(String id) {
    EventChannel ch = channels.remove(id);
    if (ch != null) {
      ch.close();
    }
    streamless.remove(id);
    boolean had = peers.remove(id) != null;
    if (had) {
      changed(true);
    }
    return had;
  }

  /** Sends one event to each of {@code ids} that has an open stream; the frame is made once. */
  synchronized void send(Collection<String> ids, String event, JsonNode data) {
    byte[] frame = null;
    List<String> overflowed = null;
    for (String id : ids) {
      EventChannel ch = channels.get(id);
      if (ch == null) {
        continue;
      }
      if (frame == null) {
        frame = EventChannel.frame(event, data);
      }
      if (!ch.offer(frame)) {
        (overflowed == null ? overflowed = new ArrayList<>() : overflowed).add(id);
      }
    }
    if (overflowed != null) {
      overflowed.forEach(this::drop);
    }
  }

  synchronized void send(String id, String event, JsonNode data) {
    send(List.of(id), event, data);
  }

  /** A peer that does not read its stream: gone, and told why if it still takes one more event. */
  private void drop(String id) {
    EventChannel ch = channels.remove(id);
    peers.remove(id);
    streamless.remove(id);
    if (ch != null) {
      ch.bye("the hub dropped this peer: more than " + limits.peerQueueBytes + " bytes of events were waiting for "
          + "its event stream, which it does not read fast enough; register again");
    }
    changed(true);
  }

  synchronized ArrayNode toJson() {
    ArrayNode a = Json.array();
    for (Peer p : peers.values()) {
      a.add(p.toJson().put("connected", channels.containsKey(p.id())));
    }
    remote.get().forEach(r -> a.add(r.toJson()));
    return a;
  }

  /** How many {@code peers} events went out (each to every stream). */
  synchronized long broadcasts() {
    return broadcasts;
  }

  /** Call with the lock held after any change: schedules one broadcast and, when peers left, {@code onLeave}. */
  private void changed(boolean left) {
    Set<String> all = new java.util.HashSet<>(peers.keySet());
    remote.get().forEach(r -> all.add(r.id()));
    ids = Set.copyOf(all);
    try {
      if (left) {
        timer.execute(onLeave);
      }
      if (!broadcastScheduled) {
        broadcastScheduled = true;
        long wait = lastBroadcast + limits.peersBroadcastInterval.toNanos() - System.nanoTime();
        timer.schedule(this::broadcast, Math.max(0, wait), TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      // Closed: the hub is stopping and no stream is left to tell.
    }
  }

  private synchronized void broadcast() {
    broadcastScheduled = false;
    lastBroadcast = System.nanoTime();
    ObjectNode o = Json.object();
    o.set("peers", toJson());
    byte[] frame = EventChannel.frame("peers", o);
    onList.accept(frame);
    if (channels.isEmpty()) {
      return;
    }
    broadcasts++;
    List<String> overflowed = new ArrayList<>();
    channels.forEach((id, ch) -> {
      if (!ch.offerPeers(frame)) {
        overflowed.add(id);
      }
    });
    overflowed.forEach(this::drop);
  }

  private synchronized void removeStreamless() {
    long now = System.nanoTime();
    List<String> gone = new ArrayList<>();
    streamless.forEach((id, since) -> {
      if (now - since >= limits.peerStreamGrace.toNanos()) {
        gone.add(id);
      }
    });
    for (String id : gone) {
      streamless.remove(id);
      peers.remove(id);
    }
    if (!gone.isEmpty()) {
      changed(true);
    }
  }

  /** Ends every stream, each with a {@code bye}, and the peers thread. */
  @Override
  public void close() {
    synchronized (this) {
      channels.values().forEach(ch -> ch.bye("the hub is stopping"));
      channels.clear();
    }
    timer.shutdownNow();
  }
}
