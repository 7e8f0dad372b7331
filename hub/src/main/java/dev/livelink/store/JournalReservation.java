package dev.livelink.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Room in the store's {@link Journal} for one record whose data is written as it comes (see
 * {@link Journal#reserve}): filled in order by one thread, with positional writes while other records are appended
 * after it, then committed (its checksum written, one fdatasync) or abandoned. Until it is committed its header is
 * there with a checksum that does not match, so a reader steps over it.
 */
final class JournalReservation {
  private final Journal journal;
  private final Path target;
  private final byte[] path;
  private final long at;
  private final int length;
  private final long gen;
  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private long written;
  private boolean open = true;

  JournalReservation(Journal journal, Path target, byte[] path, long at, int length, long gen, FileChannel channel) {
    this.journal = journal;
    this.target = target;
    this.path = path;
    this.at = at;
    this.length = length;
    this.gen = gen;
    this.channel = channel;
    crc.update(path);
  }

  /** Writes the next bytes of the record's data. */
  void write(ByteBuffer data) throws IOException {
    if (written + data.remaining() > length) {
      throw new IOException("a journal record of " + length + " bytes was given " + (written + data.remaining()));
    }
    crc.update(data.duplicate());
    long from = at + JournalFormat.RECORD_HEADER + path.length + written;
    written += JournalFormat.writeAt(channel, data, from) - from;
  }

  /**
   * Writes the checksum and fdatasyncs: the record is durable.
   *
   * @return false when its data was not all written (nothing durable then; the caller makes it so itself)
   */
  boolean commit() throws IOException {
    if (written != length) {
      abandon();
      return false;
    }
    JournalFormat.writeAt(channel, JournalFormat.recordHeader(gen, path, length, (int) crc.getValue()), at);
    channel.force(false);
    open = false;
    journal.committed(target);
    return true;
  }

  /** Gives the room up: its record stays unreadable and is stepped over. */
  void abandon() {
    if (open) {
      open = false;
      journal.abandoned();
    }
  }
}
