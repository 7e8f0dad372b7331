package dev.livelink.federation;

import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobBatchException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Joins the chunks of a pack larger than one NATS message (a blob over the message limit, alone in its pack) as
 * {@link Prefetch} receives them, so that such a blob crosses once: before, its chunks were dropped as they came and
 * the whole object fetched again when its version came. The object store sends an object's chunks in order on a
 * subject of their own ({@code $O.<bucket>.C.<nuid>}); the chunks of several objects put at once interleave.
 *
 * <p>A chunk that starts a frame it does not hold whole opens a join, when the blob is one this hub lacks and no
 * larger than {@link #MAX_BLOB}; every later chunk on its subject is appended until the frame is whole, and the
 * joined pack goes on to be checked and kept like any other. Bytes being joined are at most {@link #MAX_OPEN} (less
 * on a small heap, and never past the budget the caller gives); a join that gets no chunk for {@link #STALE_NANOS}
 * (its sender stopped mid-put) is dropped. Nothing here is trusted: the store checks the joined blob against its
 * hash, and a version fetches what was not kept.
 *
 * <p>Used on the prefetching thread only.
 */
final class ChunkJoin {
  /** Larger blobs are not joined in memory: fetched when their version comes, as before. */
  static final long MAX_BLOB = 128L << 20;
  /** Bytes of all joins open at once. */
  static final long MAX_OPEN = 256L << 20;
  static final long STALE_NANOS = 60_000_000_000L;

  /** What to do with a chunk: hand it on as it is, keep waiting for its object's other chunks, or the joined pack. */
  record Step(byte[] pack, boolean pending) {
    static final Step WAIT = new Step(null, true);

    static Step of(byte[] pack) {
      return new Step(pack, false);
    }
  }

  private static final class Join {
    final byte[] bytes;
    int filled;
    /** When its last chunk came (System.nanoTime()). */
    long last;

    Join(byte[] first, int size, long now) {
      bytes = new byte[size];
      System.arraycopy(first, 0, bytes, 0, first.length);
      filled = first.length;
      last = now;
    }
  }

  private final Predicate<String> held;
  private final long maxOpen;
  /** Open joins, the one that got a chunk least recently first. */
  private final Map<String, Join> open = new LinkedHashMap<>();
  private long openBytes;

  /** @param held whether this hub holds a blob already (its chunks are then not joined) */
  ChunkJoin(Predicate<String> held) {
    this(held, Math.min(MAX_OPEN, Runtime.getRuntime().maxMemory() / 4));
  }

  /** @param maxOpen the most bytes joined at once (a quarter of the heap at most: a join is one array) */
  ChunkJoin(Predicate<String> held, long maxOpen) {
    this.held = held;
    this.maxOpen = maxOpen;
  }

  /**
   * A chunk received on {@code subject} at {@code now} (System.nanoTime()); a new join is opened only when its
   * size fits in {@code budget} bytes too (what the store may still hold in memory).
   */
  Step offer(String subject, byte[] chunk, long now, long budget) {
    dropStale(now);
    Join j = open.remove(subject); // put back last when it waits on: the map stays ordered by last chunk
    if (j != null) {
      if (j.filled + chunk.length > j.bytes.length) {
        openBytes -= j.bytes.length; // more than its frame said: not a pack after all
        return Step.of(chunk);
      }
      System.arraycopy(chunk, 0, j.bytes, j.filled, chunk.length);
      j.filled += chunk.length;
      if (j.filled < j.bytes.length) {
        j.last = now;
        open.put(subject, j);
        return Step.WAIT;
      }
      openBytes -= j.bytes.length;
      return Step.of(j.bytes);
    }
    long size = joinSize(chunk);
    if (size <= chunk.length || size > Math.min(maxOpen - openBytes, budget)) {
      return Step.of(chunk); // a whole pack, not a pack, or too large to join now: as before
    }
    open.put(subject, new Join(chunk, (int) size, now));
    openBytes += size;
    return Step.WAIT;
  }

  /** Bytes being joined now. */
  long openBytes() {
    return openBytes;
  }

  /** Joins open now. */
  int joining() {
    return open.size();
  }

  /** Forgets the join on {@code subject}, if any: one of its chunks was not offered. */
  void drop(String subject) {
    Join j = open.remove(subject);
    if (j != null) {
      openBytes -= j.bytes.length;
    }
  }

  /** Forgets every join: the subscription starts again, and chunks may have been missed. */
  void clear() {
    open.clear();
    openBytes = 0;
  }

  /**
   * The size of the first frame when the chunk starts with a good header of a blob this hub lacks; 0 when it does
   * not (a manifest, a later chunk of an object not joined, a blob held).
   */
  private long joinSize(byte[] chunk) {
    try {
      BlobBatch.Scanner scan = BlobBatch.scanner(MAX_BLOB);
      if (scan.next(chunk, chunk.length) != null) {
        return 0; // the first frame lies whole in it: a pack of one chunk
      }
      BlobBatch.Header first = scan.pending(chunk, chunk.length);
      return first == null || held.test(first.hash()) ? 0 : BlobBatch.frameSize(first.length());
    } catch (BlobBatchException e) { // not a pack, or a blob over MAX_BLOB
      return 0;
    }
  }

  /** Drops the joins that got no chunk for {@link #STALE_NANOS}: also called while no chunk comes. */
  void dropStale(long now) {
    for (Iterator<Map.Entry<String, Join>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Join j = it.next().getValue();
      if (now - j.last <= STALE_NANOS) {
        return; // the others got a chunk later
      }
      it.remove();
      openBytes -= j.bytes.length;
    }
  }
}
