package dev.livelink.store;

import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.FileSystemSync;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobBatchException;
import dev.livelink.wire.BlobView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Mesh blobs on disk, content-addressed by SHA-256: {@code blobs/ab/abcdef...}. Thread-safe.
 *
 * <p>A batch of blobs is made durable with one fsync: it is written as one pack file (see {@link Packs}), acknowledged,
 * then split into blob files in the background. One fsync per batch instead of one per blob is what makes a
 * 410-blob first send cheap (fsync costs about 0.5-1 ms here). A batch is checked while it arrives (see
 * {@link BatchUpload}).
 *
 * <p>Deleting is the {@link SceneStore}'s decision, taken under its lock so that no publish can reference a blob
 * between the check that it is there and its deletion. Every upload of a blob, and every answer that the hub has it
 * ({@link #missing}), <em>pins</em> it for the grace period (an hour): a sender is between its upload and its
 * publish, so a pinned blob is not deleted even when the last version that used it goes. The pin also renews the
 * file's time, so a restart in between keeps it too; a blob nothing references is swept once the grace is over.
 */
public final class BlobStore implements AutoCloseable {
  private final Path root;
  private final Packs packs;
  private final Pins pins;
  /** Guards the step from "known" to "deleted" against a concurrent pin; held only for in-memory work and unlink. */
  private final Object lock = new Object();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  /** Check batches while the receiving thread reads on (see {@link BatchUpload}). */
  private final ExecutorService checkers;
  private final Journal journal;

  public BlobStore(Path root) {
    this(root, Duration.ofHours(1), System::currentTimeMillis);
  }

  /** A blob store of its own, without a journal: each write is fsync'd. */
  public BlobStore(Path root, Duration grace, LongSupplier clockMillis) {
    this(root, grace, clockMillis, Journal.disabled());
  }

  /**
   * @param grace how long an uploaded blob that no version references is kept
   * @param clockMillis the wall clock, in milliseconds (file times are compared with it)
   */
  BlobStore(Path root, Duration grace, LongSupplier clockMillis, Journal journal) {
    this.root = root;
    this.journal = journal;
    this.packs = new Packs(root.resolveSibling("packs"), this::path, FileSystemSync.command());
    // A batch the journal holds has no pack file: the journal keeps it until the split made its blobs durable.
    journal.resetAfter(packs::awaitSplit);
    this.pins = new Pins(grace, clockMillis);
    BlobSweep.index(root, known::add);
    known.addAll(packs.recover());
    int helpers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    checkers = Executors.newFixedThreadPool(helpers, r -> {
      Thread t = new Thread(r, "livelink-blob-check");
      t.setDaemon(true);
      return t;
    });
  }

  private Path path(String hash) {
    if (!Ids.isSha256(hash)) {
      throw new StoreException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    return root.resolve(hash.substring(0, 2)).resolve(hash);
  }

  private static void check(String hash, byte[] data) {
    check(hash, data, 0, data.length);
  }

  /** Checks a blob where it lies: its hash text, its bytes against it, and as a mesh. */
  static void check(String hash, byte[] data, int offset, int length) {
    if (!Ids.isSha256(hash)) {
      throw new StoreException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    String actual = Sha256.hex(data, offset, length);
    if (!actual.equals(hash)) {
      throw new StoreException("blob bytes hash to " + actual + ", not to " + hash);
    }
    MeshBlob.validate(data, offset, length);
  }

  /** Pins a blob for the grace period; the first pin in a while renews the file's time too. Holds {@link #lock}. */
  private void pin(String hash) {
    long renew = pins.pin(hash);
    if (renew >= 0 && known.contains(hash) && !packs.isPending(hash)) {
      try {
        Files.setLastModifiedTime(path(hash), FileTime.fromMillis(renew));
      } catch (NoSuchFileException e) {
        // Not split yet or being replaced; the pin itself holds it.
      } catch (IOException e) {
        System.err.println("livelink: could not renew the time of blob " + hash + ": " + e.getMessage());
      }
    }
  }

  /**
   * Stores a blob after checking that its bytes hash to {@code hash} and that it is a valid mesh blob, and pins it
   * (see the class comment).
   *
   * @return true when it was new
   * @throws StoreException for a hash mismatch
   * @throws dev.livelink.model.ModelException for a malformed mesh
   */
  public boolean put(String hash, byte[] data) {
    check(hash, data);
    synchronized (lock) {
      pin(hash);
      if (known.contains(hash)) {
        return false;
      }
    }
    store(hash, ByteBuffer.wrap(data));
    return true;
  }

  /** Writes a checked blob to its own file, durably, and makes it known. */
  private void store(String hash, ByteBuffer data) {
    try {
      journal.write(path(hash), data);
    } catch (IOException e) {
      throw new StoreException("could not write blob " + hash + ": " + e.getMessage(), e);
    }
    known.add(hash);
  }

  /**
   * What a batch upload stored: every hash of the batch in order, those the store did not hold before, and when
   * its last byte had arrived ({@link System#nanoTime()}).
   */
  public record Stored(List<String> hashes, List<String> fresh, long receivedNanos) {}

  /**
   * Stores a batch durably with one fsync (see the class comment) and pins every blob in it. Every entry is checked
   * first; if one is bad, nothing is stored.
   *
   * @return the hashes that were new
   */
  public List<String> putAll(List<BlobBatch.Frame> batch) {
    byte[] body = BlobBatch.encode(batch);
    try {
      return receive(new ByteArrayInputStream(body), body.length, body.length, body.length).fresh();
    } catch (IOException e) {
      throw new StoreException("could not store a batch: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while storing a batch", e);
    }
  }

  /**
   * {@link #putAll} without waiting for the disk: the new blobs go into one pack file, not fsync'd, split into blob
   * files in the background like any pack (whose split fsyncs them); {@code into} gets the pack, and
   * {@link Unsynced#sync} makes it durable. Every blob is checked first; if one is bad, nothing is stored.
   *
   * @return the hashes that were new
   */
  public List<String> putAllUnsynced(List<BlobBatch.Frame> batch, Unsynced into) {
    try {
      return putBatchUnsynced(BlobBatch.encode(batch), into::addAll);
    } catch (BlobBatchException e) {
      throw new IllegalStateException("a batch encoded here is framed right", e);
    }
  }

  /**
   * {@link #putAllUnsynced} for a batch received whole (a pack from another hub): its blobs checked where they lie,
   * the batch written as it is, without a copy. {@code written} is handed the pack file before its blobs count as
   * held, so that whoever finds them held finds their fsync already asked for.
   *
   * @throws BlobBatchException when it is not one whole batch
   */
  public List<String> putBatchUnsynced(byte[] batch, java.util.function.Consumer<Unsynced> written)
      throws BlobBatchException {
    List<BlobBatch.Span> spans = new ArrayList<>();
    BlobBatch.Scanner scanner = BlobBatch.scanner(batch.length);
    for (BlobBatch.Span s; (s = scanner.next(batch, batch.length)) != null; ) {
      spans.add(s);
    }
    scanner.end(batch, batch.length);
    for (BlobBatch.Span s : spans) {
      check(s.hash(), batch, s.offset(), s.length());
    }
    List<BlobBatch.Span> fresh = new ArrayList<>();
    synchronized (lock) {
      Set<String> seen = new HashSet<>();
      for (BlobBatch.Span s : spans) {
        pin(s.hash());
        if (!known.contains(s.hash()) && seen.add(s.hash())) {
          fresh.add(s);
        }
      }
    }
    if (fresh.isEmpty()) {
      return List.of();
    }
    Unsynced into = new Unsynced();
    into.add(packs.keepUnsynced(batch, fresh));
    written.accept(into);
    List<String> hashes = fresh.stream().map(BlobBatch.Span::hash).toList();
    known.addAll(hashes);
    return hashes;
  }

  /**
   * Reads a batch in the {@link BlobBatch} framing from {@code body} and stores it like {@link #putAll}, checking
   * its blobs while it arrives.
   *
   * @param declared the body's length, or -1 when it is not known
   * @param maxLength the most bytes the body may have
   * @param cap the most bytes of blobs it may declare
   * @throws dev.livelink.wire.BlobBatchException for a batch that is not framed right or is over {@code cap}
   * @throws StoreException naming the first bad blob; nothing is stored then
   */
  public Stored receive(InputStream body, long declared, long maxLength, long cap)
      throws IOException, InterruptedException {
    try (BatchUpload upload = new BatchUpload(checkers, packs.dir(), journal, declared, maxLength, cap)) {
      upload.receive(body);
      long received = System.nanoTime();
      upload.awaitChecks();
      List<BlobBatch.Span> spans = upload.spans();
      List<BlobBatch.Span> fresh = new ArrayList<>();
      List<String> hashes = new ArrayList<>(spans.size());
      synchronized (lock) {
        Set<String> seen = new HashSet<>();
        for (BlobBatch.Span s : spans) {
          hashes.add(s.hash());
          pin(s.hash());
          if (!known.contains(s.hash()) && seen.add(s.hash())) {
            fresh.add(s);
          }
        }
      }
      byte[] bytes = upload.bytes();
      if (fresh.size() == 1) {
        BlobBatch.Span s = fresh.get(0);
        store(s.hash(), ByteBuffer.wrap(bytes, s.offset(), s.length()));
      } else if (!fresh.isEmpty()) {
        packs.keep(upload.durablePack(), bytes, fresh);
        fresh.forEach(s -> known.add(s.hash()));
      }
      return new Stored(hashes, fresh.stream().map(BlobBatch.Span::hash).toList(), received);
    }
  }

  /** Bytes held in memory for packs not yet split into blob files (uploads, and packs from other hubs). */
  public long pendingBytes() {
    return packs.pendingBytes();
  }

  /** How many blobs the store holds. */
  public int count() {
    return known.size();
  }

  public boolean has(String hash) {
    return known.contains(hash);
  }

  /** @return the blob's bytes, or null when it is not stored */
  public byte[] get(String hash) {
    BlobView p = packs.pendingView(hash);
    if (p == null) {
      byte[] b = fileBytes(hash);
      if (b != null) {
        return b; // read for this caller alone: no copy
      }
      p = packs.pendingView(hash);
    }
    return p == null ? null : p.copy(); // its pack in memory is shared
  }

  /**
   * A blob's bytes without copying them when they are in memory (a pack not yet split: a first send's 3.5 MB are
   * served and packed for NATS from there), or null if the hub lacks it.
   */
  public BlobView view(String hash) {
    BlobView p = packs.pendingView(hash);
    if (p != null) {
      return p;
    }
    byte[] b = fileBytes(hash);
    return b != null ? BlobView.of(b) : packs.pendingView(hash);
  }

  /**
   * The blob's own file, read whole; null when the hub does not know the blob or its file is not there (the blob is
   * then in a pack in memory: split and collected meanwhile, or still pending after all).
   */
  private byte[] fileBytes(String hash) {
    if (!known.contains(hash)) {
      return null;
    }
    try {
      return Files.readAllBytes(path(hash));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("could not read blob " + hash + ": " + e.getMessage(), e);
    }
  }

  /**
   * Which of {@code hashes} the hub lacks; those it has are pinned, since the asker is about to publish them
   * instead of uploading them.
   */
  public List<String> missing(Collection<String> hashes) {
    List<String> out = new ArrayList<>();
    synchronized (lock) {
      for (String h : hashes) {
        if (known.contains(h)) {
          pin(h);
        } else {
          out.add(h);
        }
      }
    }
    return out;
  }

  /** Which of {@code hashes} the hub lacks, pinning nothing: the check a publish makes under the store's lock. */
  List<String> absent(Collection<String> hashes) {
    List<String> out = new ArrayList<>();
    for (String h : hashes) {
      if (!known.contains(h)) {
        out.add(h);
      }
    }
    return out;
  }

  /**
   * Deletes a blob no kept version references, unless it is pinned or still in a pack being split. Only the
   * {@link SceneStore} calls this, holding its lock, after checking that nothing references the blob.
   *
   * @return true when it was deleted
   */
  boolean collect(String hash) {
    synchronized (lock) {
      if (packs.isPending(hash) || pins.holds(hash) || !known.contains(hash)) {
        return false;
      }
      known.remove(hash);
      pins.forget(hash);
      try {
        Files.deleteIfExists(path(hash));
      } catch (IOException e) {
        known.add(hash);
        System.err.println("livelink: could not delete blob " + hash + ": " + e.getMessage());
        return false;
      }
      return true;
    }
  }

  /**
   * The blobs a sweep may collect: files whose time is older than the grace period and that are not pinned or
   * pending. Temp files left by a crash go at once when {@code atStart}, else once older than the grace period (a
   * younger one may be a write in progress). Expired pins are forgotten.
   */
  List<String> sweepCandidates(boolean atStart) {
    long now = pins.expire();
    return BlobSweep.candidates(root, packs.dir(), atStart, now, pins.graceMillis(),
        name -> !packs.isPending(name) && !pins.holds(name));
  }

  /**
   * Waits until every batch stored so far is split into blob files, as between two sends of a user; for
   * benchmarks and tests that must not measure or race the background work.
   */
  public void awaitSplit() throws InterruptedException {
    packs.awaitSplit();
  }

  /** Waits for packs being split, so a clean stop leaves only blob files behind. */
  @Override
  public void close() {
    checkers.shutdownNow();
    packs.close();
  }
}
