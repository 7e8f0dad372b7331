package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Acks per scene version: who is expected to answer, who did, and a condition senders wait on. */
final class AckBoard {
  private record Key(String scene, int version) {}

  private static final class Entry {
    final Set<String> expected = new LinkedHashSet<>();
    final Map<String, JsonNode> acks = new LinkedHashMap<>();
  }

  private static final int MAX_ENTRIES = 1000;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  void expect(String scene, int version, Set<String> peers) {
    lock.lock();
    try {
      entries.computeIfAbsent(new Key(scene, version), k -> new Entry()).expected.addAll(peers);
    } finally {
      lock.unlock();
    }
  }

  void ack(String scene, int version, String peer, JsonNode ack) {
    lock.lock();
    try {
      entries.computeIfAbsent(new Key(scene, version), k -> new Entry()).acks.put(peer, ack);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every expected peer acked or the timeout passed; returns the acks so far and who is pending. */
  ObjectNode await(String scene, int version, long timeoutMillis, Supplier<Set<String>> connected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      Entry e = entries.computeIfAbsent(new Key(scene, version), k -> new Entry());
      while (!pending(e, connected.get()).isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
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
