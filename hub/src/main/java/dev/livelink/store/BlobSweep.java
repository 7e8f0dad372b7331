package dev.livelink.store;

import dev.livelink.model.Ids;
import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The walks of a {@link BlobStore} over its directories: which blobs are on disk at start, and which blob files a sweep
 * may collect.
 */
final class BlobSweep {
  private BlobSweep() {}

  /** Hands {@code known} each blob on disk under {@code root}; temp files left by a crash mid-write are deleted. */
  static void index(Path root, Consumer<String> known) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
          Files.deleteIfExists(p);
        } else if (Ids.isSha256(name) && Files.isRegularFile(p)) {
          known.accept(name);
        }
      }
    } catch (IOException e) {
      throw new StoreException("could not list blobs in " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Blob files under {@code root} (in its two-hex-digit directories) older than {@code graceMillis} that
   * {@code collectable} lets go. Temp files left by a crash, there and in {@code packsDir}, are deleted on the way:
   * at once when {@code atStart}, else once older than the grace period (a younger one may be a write in progress).
   */
  static List<String> candidates(Path root, Path packsDir, boolean atStart, long now, long graceMillis,
      Predicate<String> collectable) {
    List<String> out = new ArrayList<>();
    sweep(packsDir, atStart, now, graceMillis, null, null);
    sweep(root, atStart, now, graceMillis, null, null);
    for (Path dir : list(root)) {
      if (Files.isDirectory(dir)) {
        sweep(dir, atStart, now, graceMillis, collectable, out);
      }
    }
    return out;
  }

  /** Deletes stale temp files in {@code dir}; adds the blobs in it that may be collected to {@code candidates}. */
  private static void sweep(Path dir, boolean atStart, long now, long graceMillis, Predicate<String> collectable,
      List<String> candidates) {
    for (Path p : list(dir)) {
      String name = p.getFileName().toString();
      try {
        boolean old = now - Files.getLastModifiedTime(p).toMillis() >= graceMillis;
        if (name.startsWith(AtomicFiles.TEMP_PREFIX) && (atStart || old)) {
          Files.deleteIfExists(p);
        } else if (candidates != null && old && Ids.isSha256(name) && collectable.test(name)) {
          candidates.add(name);
        }
      } catch (NoSuchFileException e) {
        // Went while sweeping (renamed into place, collected): nothing to do.
      } catch (IOException e) {
        System.err.println("livelink: sweep could not look at " + p + ": " + e.getMessage());
      }
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw new StoreException("could not list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }
}
