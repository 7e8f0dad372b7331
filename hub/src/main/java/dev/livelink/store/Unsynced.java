package dev.livelink.store;

import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Files the store wrote without waiting for the disk ({@link SceneStore#publishUnsynced},
 * {@link BlobStore#putAllUnsynced}), for data that is durable elsewhere until {@link #sync} ran: a version from
 * another hub, which JetStream holds and redelivers until this hub acks it, and it acks only after the sync. A crash
 * of the process loses nothing (the bytes are in the kernel's page cache); a power cut before the sync can leave a
 * version file empty, which the store drops at start ({@link VersionFiles#scan}), and a pack cut short, whose whole
 * blobs it keeps ({@link Packs#recover}). Not thread-safe: one thread fills it, then one syncs it.
 */
public final class Unsynced {
  private final Set<Path> files = new LinkedHashSet<>();

  void add(Path file) {
    files.add(file);
  }

  /** Takes {@code other}'s files too, so one {@link #sync} covers both (fsyncs grouped). */
  public void addAll(Unsynced other) {
    files.addAll(other.files);
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }

  /**
   * Fsyncs every file still there, then each directory once. A file gone meanwhile needs none: a pack is deleted only
   * once its blobs are in durable files of their own, a version file only when the version is dropped.
   */
  public void sync() throws IOException {
    sync(files, false);
  }

  /**
   * Fsyncs every file of {@code files} still there, then each directory once, and with {@code parentsToo} each
   * directory's parent as well (for directories that were created without an fsync of their parent).
   */
  static void sync(Set<Path> files, boolean parentsToo) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      } catch (NoSuchFileException e) {
        // Split or dropped meanwhile (see above).
      }
      dirs.add(f.getParent());
    }
    Set<Path> parents = new LinkedHashSet<>();
    if (parentsToo) {
      dirs.forEach(d -> parents.add(d.getParent()));
    }
    dirs.forEach(AtomicFiles::syncDirectory);
    parents.forEach(AtomicFiles::syncDirectory);
  }

  /** The files, for tests. */
  List<Path> files() {
    return new ArrayList<>(files);
  }
}
