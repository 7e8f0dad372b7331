package dev.livelink.hub;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's threads for connections. At most {@link Limits#requestThreads} requests run at once; the others wait,
 * at most {@link Limits#requestQueue} of them, and past that a new connection is closed at once (more threads is
 * what a flood would want). The JDK server reads a request's header on the thread it is given, from the
 * connection's first byte, so the header phase is guarded by the {@link Watchdog} from the start.
 *
 * <p>An event stream runs on the thread of the request that opened it, for as long as the stream lasts, but gives
 * its request slot to the next waiting request as soon as it is accepted ({@link #becomeLongLived()}); so does a
 * wait for acks. They do not count against the request threads, and are at most two per peer. Threads therefore
 * number at most the request threads plus the open streams and waits. A stream stays on its request's thread,
 * rather than being handed to another, so that when it fails the failure reaches the JDK server, which then closes
 * the connection and forgets it (an exchange ended from elsewhere leaves the server holding the dead connection).
 * Idle threads end after 30 s.
 */
final class Workers implements AutoCloseable {
  private static final long IDLE_SECONDS = 30;

  final Watchdog watchdog;
  private final Limits limits;
  private final ThreadPoolExecutor threads;
  private final ThreadLocal<Slot> slot = new ThreadLocal<>();
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int freeSlots;
  private int longLived;

  /** The request slot a running task holds, until it ends or becomes a stream. */
  private static final class Slot {
    boolean held = true;
  }

  Workers(Limits limits) {
    this.limits = limits;
    this.freeSlots = limits.requestThreads;
    threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
        factory("livelink-http-"));
    watchdog = new Watchdog(limits, this::busy);
  }

  /** The executor for the HTTP server. */
  Executor http() {
    return task -> {
      synchronized (this) {
        if (freeSlots == 0) {
          if (waiting.size() >= limits.requestQueue) {
            throw new RejectedExecutionException("the hub's request queue is full");
          }
          waiting.add(task);
          return;
        }
        freeSlots--;
      }
      launch(task);
    };
  }

  /**
   * Runs {@code task} on a thread of its own, holding a request slot; when it ends, the same thread takes the next
   * waiting request with the same slot, so a busy hub does not trade threads.
   */
  private void launch(Runnable task) {
    threads.execute(() -> {
      Watchdog.Guard g = watchdog.guard();
      Runnable next = task;
      while (next != null) {
        Slot s = new Slot();
        slot.set(s);
        g.reset();
        g.arm(Watchdog.Phase.HEADER);
        try {
          next.run();
        } catch (RuntimeException e) {
          System.err.println("livelink: a request failed: " + e); // the JDK server closed its connection
        } catch (Error e) {
          if (s.held) {
            release(); // the slot, and whoever waits for it, must not go down with this thread
          }
          throw e;
        } finally {
          g.reset();
          slot.remove();
          Thread.interrupted(); // a cut left the flag set; the next task must not inherit it
        }
        next = s.held ? nextOrFree() : null;
      }
    });
  }

  /** The waiting request that takes a slot coming free, or null when none waits (the slot is then free). */
  private synchronized Runnable nextOrFree() {
    Runnable next = waiting.poll();
    if (next == null) {
      freeSlots++;
    }
    return next;
  }

  /** A slot a stream gave up: the next waiting request takes it on another thread, or it goes back. */
  private void release() {
    Runnable next = nextOrFree();
    if (next != null) {
      launch(next);
    }
  }

  /**
   * The calling request now lasts long while doing little (an event stream, a wait for acks): its slot goes to the
   * next request. Call {@link #longLivedEnded()} when it ends.
   *
   * @throws HubException 503 when twice {@link Limits#maxPeers} such requests are open (a stream and a wait per
   *     peer)
   */
  void becomeLongLived() {
    Slot s = slot.get();
    synchronized (this) {
      if (longLived >= 2 * limits.maxPeers) {
        throw new HubException(503, "the hub has " + longLived + " event streams and ack waits open, its limit");
      }
      longLived++;
    }
    if (s != null && s.held) {
      s.held = false;
      release();
    }
  }

  synchronized void longLivedEnded() {
    longLived--;
  }

  /** True while requests wait for a slot; headers then get the shorter limit. */
  synchronized boolean busy() {
    return !waiting.isEmpty();
  }

  /** Threads alive now, idle ones included. */
  int threads() {
    return threads.getPoolSize();
  }

  private ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(() -> {
        try {
          r.run();
        } finally {
          watchdog.forget();
        }
      }, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    synchronized (this) {
      waiting.clear();
    }
    threads.shutdownNow();
    watchdog.close();
  }
}
