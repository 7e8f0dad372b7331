package dev.livelink.store;

import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Mesh blobs on disk, content-addressed by SHA-256: {@code blobs/ab/abcdef...}. Thread-safe. */
public final class BlobStore {
  private final Path root;

  public BlobStore(Path root) {
    this.root = root;
  }

  private Path path(String hash) {
    if (!Ids.isSha256(hash)) {
      throw new StoreException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    return root.resolve(hash.substring(0, 2)).resolve(hash);
  }

  /**
   * Stores a blob after checking that its bytes hash to {@code hash} and that it is a valid mesh blob.
   *
   * @return true when it was new
   * @throws StoreException for a hash mismatch
   * @throws dev.livelink.model.ModelException for a malformed mesh
   */
  public boolean put(String hash, byte[] data) {
    Path p = path(hash);
    String actual = Sha256.hex(data);
    if (!actual.equals(hash)) {
      throw new StoreException("blob bytes hash to " + actual + ", not to " + hash);
    }
    MeshBlob.validate(data);
    if (Files.exists(p)) {
      return false;
    }
    try {
      AtomicFiles.write(p, data, false);
    } catch (IOException e) {
      throw new StoreException("could not write blob " + hash + ": " + e.getMessage(), e);
    }
    return true;
  }

  public boolean has(String hash) {
    return Files.exists(path(hash));
  }

  /** @return the blob's bytes, or null when it is not stored */
  public byte[] get(String hash) {
    try {
      return Files.readAllBytes(path(hash));
    } catch (NoSuchFileException e) {
      return null;
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
            || (Ids.isSha256(name) && !keep.contains(name)
                && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)))) {
          Files.deleteIfExists(p);
          n++;
        }
      }
    } catch (IOException e) {
      throw new StoreException("could not sweep blobs in " + root + ": " + e.getMessage(), e);
    }
    return n;
  }
}
