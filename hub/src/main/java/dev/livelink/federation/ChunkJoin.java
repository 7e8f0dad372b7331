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
 * (its sender stopped mid-put) is dropped. The later chunks of an object not joined (its blob held, no room, a join
 * dropped) are passed over by subject, so they count as nothing. Nothing here is trusted: the store checks the
 * joined blob against its hash, and a version fetches what was not kept.
 *
 * <p>Used on the prefetching thread only.
 */
final class ChunkJoin {
  /** Larger blobs are not joined in memory: fetched when their version comes, as before. */
  static final long MAX_BLOB = 128L << 20;
  /** Bytes of all joins open at once. */
  static final long MAX_OPEN = 256L << 20;
  static final long STALE_NANOS = 60_000_000_000L;
  /** Subjects of objects not joined, remembered so that their later chunks are passed over (the latest ones). */
  static final int PASSED_SUBJECTS = 1024;

  /** What became of a chunk. */
  enum Kind {
    /** {@link Step#pack} is a pack to check and keep (the chunk as it came, or a join completed). */
    PACK,
    /** Part of a join still open. */
    WAIT,
    /** A later chunk of an object not joined, whose first chunk was dealt with already: nothing to do. */
    PASS,
    /** The first chunk of an object that is not kept (no room to join it, or not the pack it said): count it. */
    SKIP
  }

  /** What to do with a chunk, and the pack for {@link Kind#PACK}. */
  record Step(Kind kind, byte[] pack) {
    static final Step WAIT = new Step(Kind.WAIT, null);
    static final Step PASS = new Step(Kind.PASS, null);
    static final Step SKIP = new Step(Kind.SKIP, null);

    static Step of(byte[] pack) {
      return new Step(Kind.PACK, pack);
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
  private final Map<String, Boolean> passed = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > PASSED_SUBJECTS;
    }
  };
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
    if (passed.containsKey(subject)) {
      return Step.PASS;
    }
    Join j = open.remove(subject); // put back last when it waits on: the map stays ordered by last chunk
    if (j != null) {
      if (j.filled + chunk.length > j.bytes.length) {
        pass(subject, j); // more than its frame said: not a pack after all
        return Step.SKIP;
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
    BlobBatch.Header first = firstOfSeveral(chunk);
    if (first == null) {
      return Step.of(chunk); // a pack of one chunk, or not a pack: the caller sees which
    }
    long size = BlobBatch.frameSize(first.length());
    if (held.test(first.hash())) {
      pass(subject, null); // its own pack, or a blob that came otherwise
      return Step.PASS;
    }
    if (first.length() > MAX_BLOB || size > Math.min(maxOpen - openBytes, budget)) {
      pass(subject, null); // fetched when a version needs it, as before
      return Step.SKIP;
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

  /**
   * A chunk not taken (the caller has no room): its object, joined or not, is given up, and counted once; its later
   * chunks pass.
   */
  Step refuse(String subject) {
    if (passed.containsKey(subject)) {
      return Step.PASS;
    }
    pass(subject, open.remove(subject));
    return Step.SKIP;
  }

  /** Forgets every join: the subscription starts again, and chunks may have been missed. */
  void clear() {
    open.keySet().forEach(s -> passed.put(s, Boolean.TRUE));
    open.clear();
    openBytes = 0;
  }

  /** Drops the joins that got no chunk for {@link #STALE_NANOS}: also called while no chunk comes. */
  void dropStale(long now) {
    for (Iterator<Map.Entry<String, Join>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Join> e = it.next();
      if (now - e.getValue().last <= STALE_NANOS) {
        return; // the others got a chunk later
      }
      it.remove();
      pass(e.getKey(), e.getValue());
    }
  }

  /**
   * The header of the chunk's first frame when the chunk starts a frame it does not hold whole (the first chunk of
   * a pack in several); null otherwise (a pack of one chunk, a manifest, a later chunk of an object).
   */
  private static BlobBatch.Header firstOfSeveral(byte[] chunk) {
    try {
      BlobBatch.Scanner scan = BlobBatch.scanner(1L << 30); // the store's own limit: over it, not a pack here
      return scan.next(chunk, chunk.length) != null ? null : scan.pending(chunk, chunk.length);
    } catch (BlobBatchException e) {
      return null;
    }
  }

  /** Its later chunks pass; {@code j}, when it was open, no longer counts. */
  private void pass(String subject, Join j) {
    passed.put(subject, Boolean.TRUE);
    if (j != null) {
      openBytes -= j.bytes.length;
    }
  }
}
