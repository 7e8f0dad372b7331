package dev.livelink.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Blobs held for a grace period whatever references them (see {@link BlobStore}'s class comment): each upload of a
 * blob, and each answer that the hub has it, pins it. Thread-safe; the store decides, under its own lock, what a pin
 * keeps from deletion.
 */
final class Pins {
  private final Map<String, Long> at = new ConcurrentHashMap<>();
  private final long graceMillis;
  private final LongSupplier clock;

  /** @param clockMillis the wall clock, in milliseconds (the store compares file times with it) */
  Pins(Duration grace, LongSupplier clockMillis) {
    this.graceMillis = grace.toMillis();
    this.clock = clockMillis;
  }

  long graceMillis() {
    return graceMillis;
  }

  /**
   * Pins {@code hash} now.
   *
   * @return the time to renew its file's time to, when this is its first pin in half a grace period; -1 otherwise (a
   *     file renewed that recently outlives the pin anyway)
   */
  long pin(String hash) {
    long now = clock.getAsLong();
    Long before = at.put(hash, now);
    return before == null || now - before > graceMillis / 2 ? now : -1;
  }

  /** Whether {@code hash} was pinned less than a grace period ago. */
  boolean holds(String hash) {
    Long t = at.get(hash);
    return t != null && clock.getAsLong() - t < graceMillis;
  }

  void forget(String hash) {
    at.remove(hash);
  }

  /** Forgets the pins older than the grace period. @return now, as the clock said */
  long expire() {
    long now = clock.getAsLong();
    at.values().removeIf(t -> now - t >= graceMillis);
    return now;
  }
}
