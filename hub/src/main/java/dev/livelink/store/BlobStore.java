package dev.livelink.store;

import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Mesh blobs on disk, content-addressed by SHA-256: {@code blobs/ab/abcdef...}. Thread-safe.
 *
 * <p>A batch of blobs is made durable with one fsync: it is written as one pack file ({@code packs/*.pack}, the
 * upload framing: 64 hex digits, u64 LE length, bytes), acknowledged, then split into blob files by a background
 * thread, which deletes the pack when done. A pack left by a crash is split at the next start. One fsync per
 * batch instead of one per blob is what makes a 410-blob first send cheap (fsync costs about 0.5-1 ms here).
 */
public final class BlobStore implements AutoCloseable {
  /** A blob to store: its claimed hash and its bytes. */
  public record Entry(String hash, byte[] data) {}

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
        split(pack, readPack(Files.readAllBytes(pack), pack.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new StoreException("could not recover packs in " + packs + ": " + e.getMessage(), e);
    }
  }

  private static List<Entry> readPack(byte[] b, String name) {
    List<Entry> out = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.remaining() >= 72) {
      String hash = new String(b, buf.position(), 64, StandardCharsets.US_ASCII);
      long len = buf.getLong(buf.position() + 64);
      buf.position(buf.position() + 72);
      if (len < 0 || len > buf.remaining()) {
        break; // a torn pack was never acknowledged; its complete entries are still good
      }
      byte[] data = new byte[(int) len];
      buf.get(data);
      out.add(new Entry(hash, data));
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
  public List<String> putAll(List<Entry> batch) {
    // Hashing and validating are independent per blob: spread over the cores.
    java.util.stream.IntStream.range(0, batch.size()).parallel().forEach(i -> {
      try {
        check(batch.get(i).hash(), batch.get(i).data());
      } catch (RuntimeException e) {
        throw new StoreException("blob " + i + " of the batch: " + e.getMessage(), e);
      }
    });
    List<Entry> fresh = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Entry e : batch) {
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
    int size = 0;
    for (Entry e : fresh) {
      size += 72 + e.data().length;
    }
    ByteBuffer pack = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (Entry e : fresh) {
      pack.put(e.hash().getBytes(StandardCharsets.US_ASCII)).putLong(e.data().length).put(e.data());
    }
    Path file = packs.resolve(System.nanoTime() + "-" + fresh.get(0).hash().substring(0, 12) + ".pack");
    try {
      AtomicFiles.write(file, pack.array(), false);
    } catch (IOException e) {
      throw new StoreException("could not write a pack of " + fresh.size() + " blobs: " + e.getMessage(), e);
    }
    List<String> hashes = new ArrayList<>();
    for (Entry e : fresh) {
      pending.put(e.hash(), e.data());
      known.add(e.hash());
      hashes.add(e.hash());
    }
    splitter.execute(() -> split(file, fresh));
    return hashes;
  }

  private void split(Path pack, List<Entry> entries) {
    try {
      for (Entry e : entries) {
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

  /** Waits for packs being split, so a clean stop leaves only blob files behind. */
  @Override
  public void close() {
    splitter.shutdown();
    try {
      splitter.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
