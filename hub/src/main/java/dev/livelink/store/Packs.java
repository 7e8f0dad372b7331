package dev.livelink.store;

import dev.livelink.model.ModelException;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.runtime.FileSystemSync;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobBatchException;
import dev.livelink.wire.BlobView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The store's {@code packs} directory: batches of blobs made durable with one fsync each, in the {@link BlobBatch}
 * framing, then split into blob files by a background thread that deletes the pack when done. Until a blob is in
 * its own file it is <em>pending</em> and served from memory.
 *
 * <p>A pack left by a crash is split at the next start. It may be one whose batch was never acknowledged: cut
 * short, or with a bad blob (a pack is written while its blobs are checked). So every blob of a recovered pack is
 * checked again, and only the whole, good ones are kept; that costs the rare start after a crash, not every upload.
 */
final class Packs implements AutoCloseable {
  /** Pack files are {@code batch-<random>.pack}. */
  static final String PACK_PREFIX = "batch-";
  static final String PACK_SUFFIX = ".pack";
  /** Blob files written, then fsync'd, together (each holds a file open meanwhile). */
  private static final int SPLIT_GROUP = 256;
  /**
   * Groups of at least this many blob files are made durable by flushing their file system (see
   * {@link FileSystemSync}); fewer are fsync'd one by one, cheaper than starting {@code sync}.
   */
  static final int FLUSH_FROM = 16;

  private final Path dir;
  private final Function<String, Path> blobPath;
  private final FileSystemSync fileSystem;
  private final Map<String, BlobView> pending = new ConcurrentHashMap<>();
  /** Bytes of the packs whose split is not done: held in memory until then. */
  private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
  /**
   * A split starts this long after its pack was kept, so the publish that follows a batch upload within milliseconds
   * has the two cores and the disk to itself instead of sharing them with 400 file creations and their fsync; the
   * blobs are served from memory meanwhile.
   */
  static final long SPLIT_DELAY_MILLIS = 250;

  private final ScheduledExecutorService splitter = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "livelink-pack-splitter");
    t.setDaemon(true);
    return t;
  });
  /** Splits scheduled and maybe not done; {@link #awaitSplit} waits for them. */
  private final Set<Future<?>> splits = ConcurrentHashMap.newKeySet();

  /**
   * @param blobPath where a blob's own file goes, by hash
   * @param fileSystem flushes the blob files' file system when a split writes many (or cannot: fsyncs then)
   */
  Packs(Path dir, Function<String, Path> blobPath, FileSystemSync fileSystem) {
    this.dir = dir;
    this.blobPath = blobPath;
    this.fileSystem = fileSystem;
  }

  Path dir() {
    return dir;
  }

  /** A name for a new pack in {@code dir}, unique without creating the file (the journal may hold the pack). */
  static Path newPackName(Path dir) {
    return dir.resolve(PACK_PREFIX + Long.toUnsignedString(System.nanoTime(), 36) + "-"
        + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + PACK_SUFFIX);
  }

  /** Splits the packs a crash left, before the store answers anything. @return the hashes they held */
  List<String> recover() {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path f : ds) {
        String name = f.getFileName().toString();
        if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
          Files.deleteIfExists(f); // an older hub's pack whose write never finished was never acknowledged
        } else if (name.endsWith(PACK_SUFFIX)) {
          byte[] pack = Files.readAllBytes(f);
          List<BlobBatch.Span> spans = spans(f, pack);
          spans.forEach(s -> out.add(s.hash()));
          split(f, pack, spans);
        }
      }
    } catch (IOException e) {
      throw new StoreException("could not recover packs in " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The whole, good blobs of a pack. */
  private static List<BlobBatch.Span> spans(Path file, byte[] pack) {
    List<BlobBatch.Span> out = new ArrayList<>();
    BlobBatch.Scanner scanner = BlobBatch.scanner(pack.length);
    try {
      for (BlobBatch.Span s; (s = scanner.next(pack, pack.length)) != null; ) {
        try {
          BlobStore.check(s.hash(), pack, s.offset(), s.length());
          out.add(s);
        } catch (StoreException | ModelException e) {
          System.err.println("livelink: " + file + ": blob " + s.hash() + " dropped: " + e.getMessage());
        }
      }
      scanner.end(pack, pack.length);
    } catch (BlobBatchException e) {
      // A torn pack was never acknowledged; its complete records are still good.
      System.err.println("livelink: " + file + " ends early (" + e.getMessage() + "); kept " + out.size()
          + " blobs");
    }
    return out;
  }

  /**
   * Schedules the split of a durable pack; its blobs are pending until then.
   *
   * @param file the pack, {@code batch} as it was received, durable in {@link #dir()}
   * @param fresh the blobs of {@code batch} to split out (those the store did not hold)
   */
  void keep(Path file, byte[] batch, List<BlobBatch.Span> fresh) {
    for (BlobBatch.Span s : fresh) {
      pending.put(s.hash(), new BlobView(batch, s.offset(), s.length()));
    }
    pendingBytes.addAndGet(batch.length);
    splits.removeIf(Future::isDone);
    splits.add(splitter.schedule(() -> split(file, batch, fresh), SPLIT_DELAY_MILLIS, TimeUnit.MILLISECONDS));
  }

  /**
   * Writes a checked batch as it is as a new pack, not fsync'd (see {@link Unsynced}), and schedules the split of
   * {@code fresh}, spans of it, like {@link #keep}'s (a restart's recovery finds the others held already).
   * @return the pack file
   */
  Path keepUnsynced(byte[] bytes, List<BlobBatch.Span> fresh) {
    Path file;
    try {
      AtomicFiles.createDirectories(dir);
      file = Files.createTempFile(dir, PACK_PREFIX, PACK_SUFFIX); // a new, unique name
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new StoreException("could not write a pack of " + fresh.size() + " blobs: " + e.getMessage(), e);
    }
    keep(file, bytes, fresh);
    return file;
  }

  private void split(Path pack, byte[] batch, List<BlobBatch.Span> spans) {
    try {
      for (int from = 0; from < spans.size(); from += SPLIT_GROUP) {
        writeDurably(batch, spans.subList(from, Math.min(spans.size(), from + SPLIT_GROUP)));
      }
      for (BlobBatch.Span s : spans) {
        pending.remove(s.hash());
      }
      pendingBytes.addAndGet(-batch.length);
      Files.deleteIfExists(pack);
    } catch (IOException | RuntimeException e) {
      // The pack stays and holds the data; the next start splits it again. A pack the journal held has no file:
      // it gets one now, since the journal starts over once this split has returned.
      System.err.println("livelink: could not split " + pack + ": " + e.getMessage());
      try {
        if (!Files.exists(pack)) {
          AtomicFiles.write(pack, batch, false);
        }
      } catch (IOException again) {
        System.err.println("livelink: could not keep " + pack + " either: " + again.getMessage());
      }
    }
  }

  /**
   * Writes blob files atomically and durably: all of them written, then made durable, then renamed into place, then
   * their new names made durable. A group of {@link #FLUSH_FROM} or more is made durable by two flushes of the file
   * system (see {@link FileSystemSync}) instead of an fsync per file and per directory. Written and fsync'd one by
   * one, 410 blobs took 0.4-1.2 s of disk time here, which every publish made meanwhile waited behind; fsync'd
   * after all were written, 290-330 ms and 146-162 ms of CPU; flushed, 140-160 ms and 78-88 ms.
   */
  private void writeDurably(byte[] batch, List<BlobBatch.Span> group) throws IOException {
    List<Path> temps = new ArrayList<>();
    List<Path> targets = new ArrayList<>();
    List<FileChannel> open = new ArrayList<>();
    try {
      for (BlobBatch.Span s : group) {
        Path p = blobPath.apply(s.hash());
        if (Files.exists(p)) {
          continue;
        }
        AtomicFiles.createDirectories(p.getParent());
        Path tmp = Files.createTempFile(p.getParent(), AtomicFiles.TEMP_PREFIX, "");
        temps.add(tmp);
        targets.add(p);
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
        open.add(ch);
        ByteBuffer b = ByteBuffer.wrap(batch, s.offset(), s.length());
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      boolean flush = temps.size() >= FLUSH_FROM;
      if (!(flush && fileSystem.flush(temps.get(0)))) {
        for (FileChannel ch : open) {
          ch.force(true);
        }
      }
      Set<Path> dirs = new LinkedHashSet<>();
      for (int i = 0; i < temps.size(); i++) {
        open.get(i).close();
        try {
          Files.move(temps.get(i), targets.get(i), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temps.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING);
        }
        dirs.add(targets.get(i).getParent());
      }
      // The new names must be durable before the pack that also holds the bytes goes.
      if (!(flush && fileSystem.flush(targets.get(0)))) {
        dirs.forEach(AtomicFiles::syncDirectory);
      }
    } finally {
      for (FileChannel ch : open) {
        ch.close();
      }
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  /** Bytes of packs held in memory until their split (see {@link #keep}). */
  long pendingBytes() {
    return pendingBytes.get();
  }

  boolean isPending(String hash) {
    return pending.containsKey(hash);
  }

  /** A pending blob's bytes where they lie in its pack, or null. */
  BlobView pendingView(String hash) {
    return pending.get(hash);
  }

  /** Waits until every pack kept so far is split (see {@link BlobStore#awaitSplit()}). */
  void awaitSplit() throws InterruptedException {
    for (Future<?> f : List.copyOf(splits)) {
      try {
        f.get();
      } catch (CancellationException e) {
        // Stopped by close(): nothing more will come of it.
      } catch (ExecutionException e) {
        throw new IllegalStateException("a split failed", e.getCause());
      }
      splits.remove(f);
    }
  }

  /** Waits for packs being split, so a clean stop leaves only blob files behind. */
  @Override
  public void close() {
    splitter.shutdown();
    try {
      splitter.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
