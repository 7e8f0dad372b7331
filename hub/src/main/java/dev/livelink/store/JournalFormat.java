package dev.livelink.store;

import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The layout of the store's {@link Journal}, and its replay at start. A header block ({@link #MAGIC}, generation)
 * and records from {@link #START}, each {@code [RECORD][generation][path length][data length][crc32c of path and
 * data] path data}, the path relative to the store (see {@link #read} for what a reader keeps).
 */
final class JournalFormat {
  static final int MAGIC = 0x4c4c4a31; // "LLJ1"
  static final int RECORD = 0x4c4c5231; // "LLR1"
  static final int START = 4096;
  static final int RECORD_HEADER = 4 + 8 + 4 + 4 + 4;

  /** One file as the journal holds it. */
  record Entry(String path, byte[] data) {}

  private JournalFormat() {}

  static ByteBuffer header(long generation) {
    return ByteBuffer.allocate(12).putInt(MAGIC).putLong(generation).flip();
  }

  /** The journal's generation, or -1 when it has no header (never written whole). */
  static long generation(FileChannel channel) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(12);
    return channel.read(h, 0) == 12 && h.getInt(0) == MAGIC ? h.getLong(4) : -1;
  }

  /** A record's header and path, checksummed with {@code data} (whose position is left alone). */
  static ByteBuffer recordHeader(long generation, byte[] path, ByteBuffer data) {
    CRC32C crc = new CRC32C();
    crc.update(path);
    crc.update(data.duplicate());
    return recordHeader(generation, path, data.remaining(), (int) crc.getValue());
  }

  /** A record's header and path for {@code dataLength} bytes of data whose checksum (with the path) is {@code crc}. */
  static ByteBuffer recordHeader(long generation, byte[] path, int dataLength, int crc) {
    ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER + path.length);
    h.putInt(RECORD).putLong(generation).putInt(path.length).putInt(dataLength).putInt(crc);
    return h.put(path).flip();
  }

  /**
   * The whole records of generation {@code gen}. A record whose header is whole but whose data does not match its
   * checksum is stepped over: a batch whose upload failed, or was cut by the crash, while records after it were
   * appended and acknowledged. Reading stops at the first header that is not whole or of another generation.
   */
  static List<Entry> read(FileChannel channel, long gen) throws IOException {
    List<Entry> out = new ArrayList<>();
    long at = START;
    long size = channel.size();
    ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER);
    while (at + RECORD_HEADER <= size) {
      h.clear();
      if (channel.read(h, at) != RECORD_HEADER || h.getInt(0) != RECORD || h.getLong(4) != gen) {
        break;
      }
      int pathLength = h.getInt(12);
      int dataLength = h.getInt(16);
      if (pathLength <= 0 || dataLength < 0 || at + RECORD_HEADER + pathLength + (long) dataLength > size) {
        break;
      }
      ByteBuffer body = ByteBuffer.allocate(pathLength + dataLength);
      for (long from = at + RECORD_HEADER; body.hasRemaining(); ) {
        int n = channel.read(body, from);
        if (n < 0) {
          return out;
        }
        from += n;
      }
      CRC32C crc = new CRC32C();
      crc.update(body.array());
      if ((int) crc.getValue() == h.getInt(20)) {
        out.add(new Entry(new String(body.array(), 0, pathLength, StandardCharsets.UTF_8),
            Arrays.copyOfRange(body.array(), pathLength, body.array().length)));
      }
      at += RECORD_HEADER + pathLength + dataLength;
    }
    return out;
  }

  /**
   * Writes again, durably, every file of {@code entries} that is missing or differs; a path outside {@code base} is
   * refused (the journal is ours, but a store is not a place to write anywhere from).
   */
  static void replay(List<Entry> entries, Path base) throws IOException {
    for (Entry e : entries) {
      Path target = base.resolve(e.path()).normalize();
      if (!target.startsWith(base) || target.equals(base)) {
        System.err.println("livelink: the journal names " + e.path() + ", outside the store; ignored");
      } else if (!same(target, e.data())) {
        AtomicFiles.write(target, e.data(), false);
      }
    }
  }

  private static boolean same(Path target, byte[] data) throws IOException {
    try {
      return Files.size(target) == data.length && Arrays.equals(Files.readAllBytes(target), data);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Writes all of {@code b} at {@code at} (a positional write may take part of it). @return the position after it */
  static long writeAt(FileChannel c, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += c.write(b, at);
    }
    return at;
  }

  /** Writes zeros over [from, to), so the blocks exist before any fdatasync. */
  static void zeros(FileChannel c, long from, long to) throws IOException {
    ByteBuffer z = ByteBuffer.allocate(1 << 20);
    for (long at = from; at < to; ) {
      z.clear().limit((int) Math.min(z.capacity(), to - at));
      at = writeAt(c, z, at);
    }
  }
  /** A journal being made when the process died: never used, so deleted. */
  static void sweepTemp(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.newDirectoryStream(dir, AtomicFiles.TEMP_PREFIX + "*")) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** A new journal of {@code size} bytes, zeroed and fsync'd, made beside and renamed into place; open. */
  static FileChannel create(Path file, long size) throws IOException {
    AtomicFiles.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), AtomicFiles.TEMP_PREFIX, "");
    FileChannel c = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      zeros(c, 0, size);
      writeAt(c, header(1), 0);
      c.force(true);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      c.close();
      Files.deleteIfExists(tmp);
      throw e;
    }
    AtomicFiles.syncDirectory(file.getParent());
    return c;
  }
}
