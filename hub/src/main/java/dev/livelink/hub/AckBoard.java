package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Acks per scene version: who is expected to answer, who else was sent the version (catch-up), who answered, and
 * a condition senders wait on. The latest {@value #MAX_ENTRIES} versions are remembered.
 */
final class AckBoard {
  private record Key(String scene, int version) {}

  private static final class Entry {
    /** Whether the publish recorded its targets here (false when the entry came later, e.g. after a restart). */
    boolean published;
    final Set<String> expected = new LinkedHashSet<>();
    final Set<String> caughtUp = new HashSet<>();
    final Map<String, JsonNode> acks = new LinkedHashMap<>();
    /** Senders waiting on this entry now: it is not forgotten under them. */
    int waiters;
  }

  /** Whether a peer may ack a version, as far as this board knows. */
  enum Sent { YES, NO, UNKNOWN }

  private static final int MAX_ENTRIES = 1000;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
      return size() > MAX_ENTRIES && eldest.getValue().waiters == 0;
    }
  };

  /** The peers a publish sent the version to. */
  void expect(String scene, int version, Set<String> peers) {
    lock.lock();
    try {
      Entry e = entry(scene, version);
      e.published = true;
      e.expected.addAll(peers);
    } finally {
      lock.unlock();
    }
  }

  /** A peer was sent the version later, by the catch-up of its event stream: it may ack, but is not awaited. */
  void caughtUp(String scene, int version, String peer) {
    lock.lock();
    try {
      entry(scene, version).caughtUp.add(peer);
    } finally {
      lock.unlock();
    }
  }

  /** YES or NO when the board knows whom the version went to, UNKNOWN when it does not (restart, or forgotten). */
  Sent wasSent(String scene, int version, String peer) {
    lock.lock();
    try {
      Entry e = entries.get(new Key(scene, version));
      if (e != null && (e.expected.contains(peer) || e.caughtUp.contains(peer))) {
        return Sent.YES;
      }
      return e != null && e.published ? Sent.NO : Sent.UNKNOWN;
    } finally {
      lock.unlock();
    }
  }

  void ack(String scene, int version, String peer, JsonNode ack) {
    lock.lock();
    try {
      entry(scene, version).acks.put(peer, ack);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every expected peer acked or left, or the timeout passed; returns the acks so far and who is
   * pending. {@code connected} is called with this board's lock held, so it must not take another lock that is held
   * while calling into this board (Peers#ids is a volatile read).
   */
  ObjectNode await(String scene, int version, long timeoutMillis, Supplier<Set<String>> connected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      Entry e = entry(scene, version);
      e.waiters++;
      try {
        while (!pending(e, connected.get()).isEmpty()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          changed.awaitNanos(left);
        }
      } finally {
        e.waiters--;
      }
      ObjectNode o = Json.object();
      o.put("scene", scene).put("version", version);
      ArrayNode acks = o.putArray("acks");
      e.acks.values().forEach(acks::add);
      ArrayNode pend = o.putArray("pending");
      Set<String> p = pending(e, connected.get());
      p.forEach(pend::add);
      o.put("complete", p.isEmpty());
      return o;
    } finally {
      lock.unlock();
    }
  }

  private Entry entry(String scene, int version) {
    return entries.computeIfAbsent(new Key(scene, version), k -> new Entry());
  }

  /** Peers that left count as answered, so a sender never waits on someone gone. */
  private static Set<String> pending(Entry e, Set<String> connected) {
    Set<String> p = new LinkedHashSet<>(e.expected);
    p.removeAll(e.acks.keySet());
    p.retainAll(connected);
    return p;
  }

  /** Wakes waiters so they re-check who is still connected. */
  void peersChanged() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
