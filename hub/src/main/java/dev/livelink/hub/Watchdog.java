package dev.livelink.hub;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Cuts socket I/O that stalls. A worker thread arms its {@link Guard} for a phase just before a blocking read or
 * write and disarms it just after; a guard left armed past its phase's limit gets its thread interrupted. The JDK
 * server's sockets are blocking {@link java.nio.channels.SocketChannel}s, which are interruptible: the blocked read
 * or write ends with {@link java.nio.channels.ClosedByInterruptException} and the connection is closed. Arming,
 * disarming and the interrupt are one monitor's work, so an interrupt never lands outside an armed phase.
 *
 * <p>This, not the JDK server's own {@code sun.net.httpserver.maxReqTime}, is the hub's read timeout because it
 * measures stalls rather than whole requests (a 1 GB upload may take a while, but never stalls) and each hub can
 * have its own limits (tests use short ones); maxReqTime is set too, as a backstop (see {@link Hub}).
 */
final class Watchdog implements AutoCloseable {
  /** What an armed thread is waiting for; each has its own limit in {@link Limits}. */
  enum Phase { HEADER, READ, WRITE, DRAIN }

  private static final long TICK_MILLIS = 100;

  private final Limits limits;
  private final BooleanSupplier busy;
  private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Guard> current = new ThreadLocal<>();
  private final AtomicLong cuts = new AtomicLong();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "livelink-watchdog");
    t.setDaemon(true);
    return t;
  });

  /** @param busy true while requests wait for a request thread: headers then get the shorter limit */
  Watchdog(Limits limits, BooleanSupplier busy) {
    this.limits = limits;
    this.busy = busy;
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The calling thread's guard, made on first use. */
  Guard guard() {
    Guard g = current.get();
    if (g == null) {
      g = new Guard(Thread.currentThread());
      current.set(g);
      guards.add(g);
    }
    return g;
  }

  /** Forgets the calling thread's guard; a worker thread calls it as it ends. */
  void forget() {
    Guard g = current.get();
    if (g != null) {
      guards.remove(g);
      current.remove();
    }
  }

  /** How many stalled reads and writes were cut so far. */
  long cuts() {
    return cuts.get();
  }

  private long limitNanos(Phase p, boolean busyNow) {
    Duration d = switch (p) {
      case HEADER -> busyNow ? limits.headerTimeoutBusy : limits.headerTimeout;
      case READ -> limits.readIdleTimeout;
      case WRITE -> limits.writeStallTimeout;
      case DRAIN -> limits.drainTimeout;
    };
    return d.toNanos();
  }

  private void tick() {
    long now = System.nanoTime();
    boolean busyNow = busy.getAsBoolean();
    for (Guard g : guards) {
      g.check(now, busyNow);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  /** One thread's arming state. */
  final class Guard {
    private final Thread thread;
    private Phase phase;
    private long since;
    private long capNanos = Long.MAX_VALUE;

    private Guard(Thread thread) {
      this.thread = thread;
    }

    /** Arms for {@code p}: the thread is about to block on the socket. */
    synchronized void arm(Phase p) {
      phase = p;
      since = System.nanoTime();
    }

    synchronized void disarm() {
      phase = null;
    }

    /**
     * Caps every phase, the one armed now included, at the drain limit until {@link #reset()}: for an event stream
     * whose peer is being dropped, which gets one short chance to take its last event.
     */
    synchronized void hurry() {
      capNanos = limits.drainTimeout.toNanos();
    }

    /** Disarmed, no cap: the state between two tasks of a worker thread. */
    synchronized void reset() {
      phase = null;
      capNanos = Long.MAX_VALUE;
    }

    private synchronized void check(long now, boolean busyNow) {
      if (phase != null && now - since > Math.min(limitNanos(phase, busyNow), capNanos)) {
        phase = null;
        cuts.incrementAndGet();
        thread.interrupt();
      }
    }
  }
}
