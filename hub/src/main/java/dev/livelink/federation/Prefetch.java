package dev.livelink.federation;

import dev.livelink.model.ModelException;
import dev.livelink.store.BlobStore;
import dev.livelink.store.StoreException;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobBatchException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Packs as other hubs put them. A hub follows the chunks of the space's Object Store as they are stored (an ordered
 * push consumer on {@code $O.<bucket>.C.>}, from the moment it subscribes), and keeps the blobs of each pack it lacks,
 * each checked against its hash and as a mesh, as {@link Blobs} does when it fetches: a version's blobs are then
 * here when its message comes, and it is stored and told without a fetch (a first send of 410 parts: four info and
 * four get round trips, 11-40 ms, and the store of 3.5 MB, no longer after the message but while hub A still puts
 * its later packs). A blob over the message limit, alone in a pack of several chunks, is kept once its chunks are
 * joined ({@link ChunkJoin}). Nothing here is required: a chunk that is not a pack (a manifest's), one missed while
 * reconnecting or a bad blob is simply not kept, and {@link Inbound} fetches what is still missing when the version
 * comes, refusing and reporting what is bad.
 *
 * <p>A pack of at most {@link Blobs#INLINE_MAX} bytes is skipped (an edit's, whose blobs ride in its version's
 * message), and so is a pack whose first blob this hub holds (its own packs). Blobs kept here and never used by a
 * version (one targeted at other hubs' receivers only) are swept with the store's other unreferenced blobs after the
 * grace period.
 *
 * <p>Their pack file is made durable by the {@link Settler}, queued before its blobs count as held, so a version
 * acked to JetStream never names a blob a power cut could take.
 */
final class Prefetch {
  /** How long {@link Inbound} waits for packs that arrived before its version to be kept (it fetches after). */
  static final Duration CATCH_UP = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration RECHECK = Duration.ofMillis(5);
  /** Packs waiting for their split beyond which no more are kept ahead (each is held in memory until then). */
  static final long MAX_PENDING = 256L << 20;

  private final BlobStore store;
  private final Settler settler;
  /** Chunks of packs over the message limit, joined; used on the prefetching thread only. */
  private final ChunkJoin joins;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  /** The subscription now, and whether a message it handed over is being dealt with; guarded by {@link #lock}. */
  private JetStreamSubscription sub;
  private boolean busy;
  /** Joins of chunks open now (see {@link ChunkJoin}), for {@link #awaitHeld} on another thread. */
  private volatile int joining;
  /** Whether this hub has a receiver now (see {@link #want}); guarded by {@link #lock}. */
  private boolean wanted;

  /** Blobs kept from pushed packs, and pushed objects not kept: not a pack, a bad blob, or no room. */
  final AtomicLong kept = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();

  Prefetch(BlobStore store, Settler settler) {
    this.store = store;
    this.settler = settler;
    this.joins = new ChunkJoin(store::has);
  }

  /** Whether it follows the object store now (a receiver here, the space open). */
  boolean following() {
    lock.lock();
    try {
      return sub != null;
    } finally {
      lock.unlock();
    }
  }

  /** The prefetching thread: follows the object store's chunks whenever the space is open. */
  void run(LinkState link) {
    JetStreamSubscription s = null;
    int gen = 0;
    try {
      while (true) {
        Space space = link.space();
        if (space == null) {
          follow(null); // nothing is read while NATS is away: a version does not wait on it
          space = link.awaitSpace();
          if (space == null) {
            return;
          }
        }
        if (!awaitWanted()) {
          unsubscribe(s); // no receiver here: versions' blobs are fetched when they come, as a hub needs them
          s = null;
          follow(null);
          continue;
        }
        try {
          if (s == null || gen != space.generation()) {
            unsubscribe(s);
            s = subscribe(space);
            gen = space.generation();
            follow(s);
          }
          Message m = s.nextMessage(POLL); // a second at most: a new session is noticed
          if (m == null) {
            joins.dropStale(System.nanoTime()); // a put that stopped midway holds no memory for long
            joining = joins.joining();
          } else {
            busy(true);
            try {
              keep(m.getSubject(), m.getData());
            } catch (RuntimeException e) { // a pack that could not be written: fetched when a version needs it
              skipped.incrementAndGet();
              link.problem("a pack another hub put could not be kept (fetched when needed): " + e);
            } finally {
              busy(false);
            }
          }
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
          link.problem("could not follow the space's blob packs (fetched when needed): " + e.getMessage());
          unsubscribe(s);
          s = null;
          follow(null);
          link.pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    } finally {
      unsubscribe(s);
      follow(null);
    }
  }

  /**
   * Whether this hub has a receiver (a FreeCAD-only machine does not take packs ahead of their versions); from the
   * link's heartbeat, which looks at the local peers every second or so.
   */
  void want(boolean receivers) {
    lock.lock();
    try {
      if (wanted != receivers) {
        wanted = receivers;
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** True at once when wanted; otherwise waits a while for it (false: look at the session again). */
  private boolean awaitWanted() throws InterruptedException {
    lock.lock();
    try {
      if (!wanted) {
        idle.await(POLL.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      return wanted;
    } finally {
      lock.unlock();
    }
  }

  private static JetStreamSubscription subscribe(Space space) throws IOException, JetStreamApiException {
    return space.js().subscribe("$O." + space.blobsBucket() + ".C.>", PushSubscribeOptions.builder()
        .stream("OBJ_" + space.blobsBucket()).ordered(true)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build()).build());
  }

  private void follow(JetStreamSubscription s) {
    joins.clear(); // a new subscription, or none: chunks may have been missed between
    joining = 0;
    lock.lock();
    try {
      sub = s;
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void busy(boolean b) {
    lock.lock();
    try {
      busy = b;
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code hashes} are held, at most {@code max}, or sooner when nothing is left to keep or join: on the
   * receiving thread, before it fetches the blobs a version lacks. Each message dealt with signals; what is queued is
   * also looked at again every few milliseconds: the queue also holds the consumer's flow-control messages, which are
   * answered without a signal.
   */
  void awaitHeld(java.util.Collection<String> hashes, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    lock.lock();
    try {
      while (!hashes.stream().allMatch(store::has) && sub != null
          && (busy || joining > 0 || sub.getPendingMessageCount() > 0)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        idle.awaitNanos(Math.min(left, RECHECK.toNanos()));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Keeps the blobs of a chunk pushed on {@code subject} this hub lacks, when it is a pack of good blobs or, joined
   * with the chunks after it, completes one.
   */
  void keep(String subject, byte[] chunk) {
    long budget = MAX_PENDING - store.pendingBytes() - joins.openBytes();
    // Over budget the disk is behind: nothing more is held in memory, it is fetched when a version needs it.
    ChunkJoin.Step step = budget < 0 ? joins.refuse(subject) : joins.offer(subject, chunk, System.nanoTime(), budget);
    if (step.kind() == ChunkJoin.Kind.PACK) {
      keep(step.pack());
    } else if (step.kind() == ChunkJoin.Kind.SKIP) {
      skipped.incrementAndGet(); // not kept (no room, or not the pack it said): fetched when a version needs it
    }
    joining = joins.joining();
  }

  /** Keeps the blobs of a pack this hub lacks, when they are good. */
  private void keep(byte[] chunk) {
    if (chunk.length <= Blobs.INLINE_MAX) {
      // An edit's pack: its blobs ride in its version's message (kept here too, they cost hub B a pack file and an
      // fsync beside each edit's own writes).
      return;
    }
    try {
      BlobBatch.Span first = BlobBatch.scanner(chunk.length).next(chunk, chunk.length);
      if (first != null && store.has(first.hash())) {
        return; // its own pack, or one whose blobs came otherwise
      }
    } catch (BlobBatchException e) {
      skipped.incrementAndGet(); // not a pack: a manifest
      return;
    }
    try {
      // Its fsync is queued before its blobs count as held (see BlobStore#putBatchUnsynced): a version that finds
      // them held is acked, in the Settler's order, only after they are durable.
      kept.addAndGet(store.putBatchUnsynced(chunk, settler::sync).size()); // each checked against its hash there
    } catch (BlobBatchException e) {
      skipped.incrementAndGet(); // not a pack after all: fetched whole when a version needs it
    } catch (StoreException | ModelException e) {
      skipped.incrementAndGet(); // the version's own fetch refuses it, and says so
    }
  }

  private static void unsubscribe(JetStreamSubscription s) {
    try {
      if (s != null) {
        s.unsubscribe();
      }
    } catch (IllegalStateException e) {
      // Already gone with its connection.
    }
  }
}
