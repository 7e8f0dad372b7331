package dev.livelink.store;

import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobBatchException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Mesh blobs on disk, content-addressed by SHA-256: {@code blobs/ab/abcdef...}. Thread-safe.
 *
 * <p>A batch of blobs is made durable with one fsync: it is written as one pack file ({@code packs/*.pack}, in the
 * {@link BlobBatch} framing), acknowledged, then split into blob files by a background thread, which deletes the
 * pack when done. A pack left by a crash is split at the next start. One fsync per batch instead of one per blob is
 * what makes a 410-blob first send cheap (fsync costs about 0.5-1 ms here).
 */
public final class BlobStore implements AutoCloseable {
  private final Path root;
  private final Path packs;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<String, byte[]> pending = new ConcurrentHashMap<>();
  private final ExecutorService splitter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "livelink-pack-splitter");
    t.setDaemon(true);
    return t;
  });

  public BlobStore(Path root) {
    this.root = root;
    this.packs = root.resolveSibling("packs");
    index();
    recoverPacks();
  }

  private void index() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
      files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(Ids::isSha256)
          .forEach(known::add);
    } catch (IOException e) {
      throw new StoreException("could not list blobs in " + root + ": " + e.getMessage(), e);
    }
  }

  private void recoverPacks() {
    if (!Files.isDirectory(packs)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(packs, "*.pack")) {
      for (Path pack : ds) {
        split(pack, readPack(pack));
      }
    } catch (IOException e) {
      throw new StoreException("could not recover packs in " + packs + ": " + e.getMessage(), e);
    }
  }

  private static List<BlobBatch.Frame> readPack(Path pack) throws IOException {
    List<BlobBatch.Frame> out = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(pack), 1 << 20)) {
      BlobBatch.Reader reader = BlobBatch.reader(in, Math.min(Files.size(pack), Integer.MAX_VALUE - 8));
      for (BlobBatch.Frame f; (f = reader.next()) != null; ) {
        out.add(f);
      }
    } catch (BlobBatchException e) {
      // A torn pack was never acknowledged; its complete records are still good.
      System.err.println("livelink: " + pack + " ends early (" + e.getMessage() + "); kept " + out.size()
          + " blobs");
    }
    return out;
  }

  private Path path(String hash) {
    if (!Ids.isSha256(hash)) {
      throw new StoreException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    return root.resolve(hash.substring(0, 2)).resolve(hash);
  }

  private static void check(String hash, byte[] data) {
    if (!Ids.isSha256(hash)) {
      throw new StoreException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    String actual = Sha256.hex(data);
    if (!actual.equals(hash)) {
      throw new StoreException("blob bytes hash to " + actual + ", not to " + hash);
    }
    MeshBlob.validate(data);
  }

  /**
   * Stores a blob after checking that its bytes hash to {@code hash} and that it is a valid mesh blob.
   *
   * @return true when it was new
   * @throws StoreException for a hash mismatch
   * @throws dev.livelink.model.ModelException for a malformed mesh
   */
  public boolean put(String hash, byte[] data) {
    check(hash, data);
    if (has(hash)) {
      return false;
    }
    try {
      AtomicFiles.write(path(hash), data, false);
    } catch (IOException e) {
      throw new StoreException("could not write blob " + hash + ": " + e.getMessage(), e);
    }
    known.add(hash);
    return true;
  }

  /**
   * Stores a batch durably with one fsync (see the class comment). Every entry is checked first; if one is bad,
   * nothing is stored.
   *
   * @return the hashes that were new
   */
  public List<String> putAll(List<BlobBatch.Frame> batch) {
    // Hashing and validating are independent per blob: spread over the cores.
    java.util.stream.IntStream.range(0, batch.size()).parallel().forEach(i -> {
      try {
        check(batch.get(i).hash(), batch.get(i).data());
      } catch (RuntimeException e) {
        throw new StoreException("blob " + i + " of the batch: " + e.getMessage(), e);
      }
    });
    List<BlobBatch.Frame> fresh = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (BlobBatch.Frame e : batch) {
      if (!has(e.hash()) && seen.add(e.hash())) {
        fresh.add(e);
      }
    }
    if (fresh.isEmpty()) {
      return List.of();
    }
    if (fresh.size() == 1) {
      put(fresh.get(0).hash(), fresh.get(0).data());
      return List.of(fresh.get(0).hash());
    }
    Path file = packs.resolve(System.nanoTime() + "-" + fresh.get(0).hash().substring(0, 12) + ".pack");
    try {
      AtomicFiles.write(file, BlobBatch.encode(fresh), false);
    } catch (IOException e) {
      throw new StoreException("could not write a pack of " + fresh.size() + " blobs: " + e.getMessage(), e);
    }
    List<String> hashes = new ArrayList<>();
    for (BlobBatch.Frame e : fresh) {
      pending.put(e.hash(), e.data());
      known.add(e.hash());
      hashes.add(e.hash());
    }
    splitter.execute(() -> split(file, fresh));
    return hashes;
  }

  private void split(Path pack, List<BlobBatch.Frame> entries) {
    try {
      for (BlobBatch.Frame e : entries) {
        Path p = path(e.hash());
        if (!Files.exists(p)) {
          AtomicFiles.write(p, e.data(), false);
        }
        known.add(e.hash());
        pending.remove(e.hash());
      }
      Files.deleteIfExists(pack);
    } catch (IOException | RuntimeException e) {
      // The pack stays and holds the data; the next start splits it again.
      System.err.println("livelink: could not split " + pack + ": " + e.getMessage());
    }
  }

  public boolean has(String hash) {
    return known.contains(hash);
  }

  /** @return the blob's bytes, or null when it is not stored */
  public byte[] get(String hash) {
    byte[] p = pending.get(hash);
    if (p != null) {
      return p;
    }
    if (!known.contains(hash)) {
      return null;
    }
    try {
      return Files.readAllBytes(path(hash));
    } catch (NoSuchFileException e) {
      return pending.get(hash); // split and collected meanwhile, or still pending after all
    } catch (IOException e) {
      throw new StoreException("could not read blob " + hash + ": " + e.getMessage(), e);
    }
  }

  public List<String> missing(Collection<String> hashes) {
    List<String> out = new ArrayList<>();
    for (String h : hashes) {
      if (!has(h)) {
        out.add(h);
      }
    }
    return out;
  }

  public void delete(String hash) {
    if (pending.containsKey(hash)) {
      return; // still being split; a later collection will take it
    }
    known.remove(hash);
    try {
      Files.deleteIfExists(path(hash));
    } catch (IOException e) {
      throw new StoreException("could not delete blob " + hash + ": " + e.getMessage(), e);
    }
  }

  /** Deletes blobs not in {@code keep} that are older than {@code grace} (younger ones may await a publish). */
  public int sweep(Set<String> keep, Duration grace) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    Instant cutoff = Instant.now().minus(grace);
    int n = 0;
    try (Stream<Path> files = Files.walk(root, 2)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && (name.startsWith(".tmp-")
            || (Ids.isSha256(name) && !keep.contains(name) && !pending.containsKey(name)
                && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)))) {
          Files.deleteIfExists(p);
          known.remove(name);
          n++;
        }
      }
    } catch (IOException e) {
      throw new StoreException("could not sweep blobs in " + root + ": " + e.getMessage(), e);
    }
    return n;
  }

  /**
   * Waits until every batch stored so far is split into blob files, as between two sends of a user; for
   * benchmarks and tests that must not measure or race the background work.
   */
  public void awaitSplit() throws InterruptedException {
    try {
      // The splitter is one thread taking tasks in order: once this no-op ran, every earlier split has finished.
      splitter.submit(() -> {}).get();
    } catch (RejectedExecutionException e) {
      splitter.awaitTermination(30, TimeUnit.SECONDS); // closed: close() already waits for the splits
    } catch (ExecutionException e) {
      throw new IllegalStateException("a no-op failed", e);
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
