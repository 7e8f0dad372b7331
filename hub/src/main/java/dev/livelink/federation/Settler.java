package dev.livelink.federation;

import dev.livelink.store.Unsynced;
import io.nats.client.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Acks the versions a hub took from its stream once what its store wrote for them is on disk. A version from
 * another hub is durable in JetStream until this hub acks it, so the hub stores it and tells its receivers without
 * waiting for its own fsyncs ({@link Unsynced}), and this thread makes those files durable, the versions that
 * arrived meanwhile together (one round of fsyncs for all), then acks them. A hub that dies before the fsync never
 * acked: the stream delivers the version again, and after a power cut that lost it, it is stored again. On disk an
 * edit crossing paid two fsyncs and two directory fsyncs (its blob, its version) before its receivers heard of it:
 * 1-5 ms each on this machine's disk, most of what the crossing added over the local path.
 *
 * <p>A failed fsync leaves the message unacked (delivered again after the consumer's ack wait) and is reported.
 */
final class Settler {
  /** {@code msg} null: files to sync for no message. */
  private record Item(Message msg, Unsynced files) {}

  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  /** Files for no message whose fsync failed: tried again with the next round. Settling thread only. */
  private final List<Item> carried = new ArrayList<>();
  private final Consumer<String> problem;
  /** Tests hold the settling here, to stand for a hub that dies between telling its receivers and its fsync. */
  private final CountDownLatch hold;
  /** Versions acked after their fsync, and the fsync rounds that made them durable. */
  final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();
  final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();

  Settler(Consumer<String> problem, CountDownLatch hold) {
    this.problem = problem;
    this.hold = hold;
  }

  /** Messages handed over and not yet acked (queued or being settled). */
  private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * On the receiving thread: {@code msg} is acked once {@code files} are durable, and after every message handed
   * over before it. A message that wrote nothing (one skipped as taken already: perhaps a redelivery of one still
   * settling) is acked at once only when nothing is settling.
   */
  void ack(Message msg, Unsynced files) {
    if (files.isEmpty() && pending.get() == 0) {
      msg.ack();
      return;
    }
    pending.incrementAndGet();
    queue.add(new Item(msg, files));
  }

  /**
   * Files written for no message of their own ({@link Prefetch}'s blobs): made durable with the next round, before
   * the messages handed over after them are acked.
   */
  void sync(Unsynced files) {
    if (!files.isEmpty()) {
      pending.incrementAndGet();
      queue.add(new Item(null, files));
    }
  }

  /** Messages stored and not yet acked. */
  int waiting() {
    return pending.get();
  }

  /** The settling thread, until interrupted; what is still queued then is left unacked, as a crash would. */
  void run() {
    try {
      while (true) {
        List<Item> batch = new ArrayList<>();
        batch.add(queue.take());
        if (hold != null) {
          hold.await();
        }
        queue.drainTo(batch);
        settle(batch);
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  /** At a clean stop, on the closing thread once the settling thread ended: what is left is synced and acked. */
  void drain() {
    if (hold != null && hold.getCount() > 0) {
      return; // a test standing for a crash
    }
    List<Item> batch = new ArrayList<>();
    queue.drainTo(batch);
    if (!batch.isEmpty() || !carried.isEmpty()) {
      settle(batch);
    }
  }

  private void settle(List<Item> batch) {
    batch.addAll(0, carried); // files for no message whose fsync failed before: nothing is acked until they are synced
    carried.clear();
    Unsynced all = new Unsynced();
    batch.forEach(i -> all.addAll(i.files()));
    try {
      all.sync();
    } catch (IOException e) {
      problem.accept("could not make " + batch.size() + " received version(s) or pack(s) durable (versions left "
          + "unacked, JetStream delivers them again): " + e.getMessage());
      for (Item i : batch) {
        if (i.msg() == null) {
          carried.add(i); // still pending: no version is acked at once meanwhile (see ack)
        } else {
          pending.decrementAndGet();
        }
      }
      return;
    }
    rounds.incrementAndGet();
    for (Item i : batch) {
      if (i.msg() == null) {
        pending.decrementAndGet();
        continue;
      }
      try {
        i.msg().ack();
        settled.incrementAndGet();
      } catch (IllegalStateException e) {
        // Its connection closed: the stream delivers it again, and the hub finds it stored (see Inbound).
      }
      pending.decrementAndGet();
    }
  }
}
