package dev.livelink.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Write-then-rename, so a reader or a crash sees either the old file or the whole new one, never a torn one. The
 * data is fsync'd before the rename and the directory after it: on Linux a rename is durable only once its
 * directory is (ext4 and xfs may otherwise lose the new name in a power cut even though the data was synced).
 */
public final class AtomicFiles {
  /** Prefix of the temp files a write leaves behind only when the process dies mid-write; swept at start. */
  public static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /** Writes {@code target} atomically and durably, its directory included. */
  public static void write(Path target, byte[] data, boolean privateMode) throws IOException {
    write(target, data, privateMode, true);
  }

  /**
   * Writes {@code target} atomically; with {@code syncDirectory} false the caller fsyncs the directory itself (see
   * {@link #syncDirectory}), for many files into few directories.
   */
  public static void write(Path target, byte[] data, boolean privateMode, boolean syncDirectory)
      throws IOException {
    write(target, ByteBuffer.wrap(data), privateMode, syncDirectory);
  }

  /** As {@link #write(Path, byte[], boolean, boolean)}, for bytes that are part of a larger array. */
  public static void write(Path target, ByteBuffer data, boolean privateMode, boolean syncDirectory)
      throws IOException {
    write(target, data, privateMode, true, syncDirectory, true);
  }

  /**
   * Writes {@code target} atomically but not durably: renamed into place without an fsync of the data or the
   * directory, so never a torn file under its name while the machine runs; the caller makes it durable later (or
   * holds the data elsewhere until then).
   */
  public static void writeUnsynced(Path target, byte[] data) throws IOException {
    write(target, ByteBuffer.wrap(data), false, false, false, true);
  }

  /**
   * As {@link #writeUnsynced(Path, byte[])}, and a missing directory is created without fsyncing its parent either:
   * for a caller that journals the data and makes the names durable later.
   */
  public static void writeUnsynced(Path target, ByteBuffer data) throws IOException {
    write(target, data, false, false, false, false);
  }

  private static void write(Path target, ByteBuffer data, boolean privateMode, boolean force, boolean syncDirectory,
      boolean syncNewDirectories) throws IOException {
    Path dir = target.getParent();
    if (syncNewDirectories) {
      createDirectories(dir);
    } else {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, TEMP_PREFIX, "");
    try {
      if (privateMode) {
        try {
          Files.setPosixFilePermissions(tmp, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system (Windows): the per-user profile directory is already private.
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = data.duplicate();
        while (b.hasRemaining()) {
          ch.write(b);
        }
        if (force) {
          ch.force(true);
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (syncDirectory) {
      syncDirectory(dir);
    }
  }

  /**
   * Creates {@code dir} and any missing parents, fsyncing the parent of each one created so the new names survive a
   * crash too.
   */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    Files.createDirectories(dir);
    for (Path p : missing) {
      syncDirectory(p.getParent());
    }
  }

  /**
   * Fsyncs a directory, which makes the renames, creations and deletions in it durable. Linux and macOS allow it;
   * Windows refuses to open a directory as a file, and there NTFS journals the rename itself, so a refusal is not an
   * error.
   */
  public static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported on this platform or file system (see above); the data itself was synced.
    }
  }
}
