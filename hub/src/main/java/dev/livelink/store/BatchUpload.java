package dev.livelink.store;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.BlobBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * One batch of blobs being received, in the {@link BlobBatch} framing: the body is read into one array, each blob
 * is hashed and validated in place as soon as its bytes are in (on a helper thread, while the rest arrives), and a
 * large batch is written to its pack file as it comes. Once the last byte is in, the pack's fsync runs while the
 * last blobs are checked. The pack is created under its own name, and the directory synced, at the start: no rename
 * and directory fsync are left for the end. A pack a crash leaves is checked blob by blob when it is recovered (see
 * {@link Packs}). Not thread-safe; the receiving thread owns it. Closing it deletes a pack that was not handed out.
 *
 * <p>Measured on 410 blobs of 8.5 KB (3.5 MB): hashing 1.8 ms, validating 0.3 ms, copying into a pack 0.5 ms, the
 * write and fsync 3 ms, rename and directory fsync 0.5-1 ms; receiving through the JDK server 3-5 ms, paced by the
 * sender. Done one after the other they added up to 14 ms.
 */
final class BatchUpload implements AutoCloseable {
  /** Blobs are checked, and written to the pack, in chunks of about this many bytes. */
  static final int CHUNK = 256 << 10;
  /** The array is allocated at the declared length up to this; past it, it grows as bytes arrive. */
  private static final int FIRST_ALLOCATION = 64 << 20;

  /** The first bad blob of a chunk, by its index in the batch. */
  private record Bad(int index, RuntimeException error) {}

  private final ExecutorService helpers;
  private final Path packDir;
  private final Journal journal;
  private final BlobBatch.Scanner scanner;
  /** The most bytes the body can have: its declared length, else the route's limit. */
  private final int limit;
  private final List<BlobBatch.Span> spans = new ArrayList<>();
  private final List<FutureTask<Bad>> chunks = new ArrayList<>();
  private byte[] buf;
  private int filled;
  private int checkedSpans;
  private int checkedBytes;
  /** The pack's name; a batch the journal takes has no file under it unless a crash makes one (see Packs). */
  private Path packFile;
  /** The pack file being written as the batch comes; null while the journal is to hold the batch instead. */
  private FileChannel pack;
  /** Blobs are checked as they come (a large batch). */
  private boolean streaming;
  /** The journal's room for the batch, written as it comes; null when it is not written there. */
  private JournalReservation reservation;
  /** The body's length is known before it comes (Content-Length), so room for it can be taken. */
  private final boolean exact;
  private Future<?> packNamed;
  /** The pack holds the whole batch and is durable: fsync'd, or in the journal. */
  private boolean synced;
  /** Durable through the journal: its name needs no directory fsync. */
  private boolean journaled;

  /**
   * @param declared the body's Content-Length, or -1 when it is not known (chunked)
   * @param maxLength the most bytes the body may have (the route's limit)
   * @param cap the most bytes of blobs the batch may declare
   */
  BatchUpload(ExecutorService helpers, Path packDir, Journal journal, long declared, long maxLength, long cap) {
    this.helpers = helpers;
    this.packDir = packDir;
    this.journal = journal;
    this.scanner = BlobBatch.scanner(cap);
    this.limit = (int) Math.min(declared >= 0 ? Math.min(declared, maxLength) : maxLength, Integer.MAX_VALUE - 8);
    this.exact = declared >= 0 && declared <= maxLength;
    this.buf = new byte[Math.min(declared >= 0 ? limit : CHUNK, FIRST_ALLOCATION)];
  }

  /** Reads {@code in} to its end, checking blobs as they complete. */
  void receive(InputStream in) throws IOException {
    while (true) {
      if (filled == buf.length) {
        if (buf.length == limit) {
          if (in.read() < 0) {
            break;
          }
          // The request's own stream refuses a body past the route's limit (413) before this.
          throw new StoreException("the batch is over the limit of " + limit + " bytes");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
      }
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
      for (BlobBatch.Span s; (s = scanner.next(buf, filled)) != null; ) {
        spans.add(s);
      }
      if (scanner.position() - checkedBytes >= CHUNK) {
        if (!streaming) {
          streaming = true;
          openPack();
        }
        Chunk c = nextChunk();
        FutureTask<Bad> task = new FutureTask<>(c::check);
        chunks.add(task);
        helpers.execute(task);
      }
    }
    scanner.end(buf, filled);
  }

  /**
   * Names the pack and takes room for it in the journal, where it is then written as it comes: the journal is its
   * durable copy and the blobs reach their own files from memory. When the journal cannot take it (full, or a body
   * of unknown length), the pack file is created and written as the batch comes, and its name made durable on a
   * helper thread meanwhile.
   */
  private void openPack() throws IOException {
    packFile = Packs.newPackName(packDir);
    reservation = exact ? journal.reserve(packFile, limit) : null;
    if (reservation == null) {
      createPackFile();
    }
  }

  private void createPackFile() throws IOException {
    Files.createDirectories(packDir);
    pack = FileChannel.open(packFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    packNamed = helpers.submit(() -> AtomicFiles.syncDirectory(packDir));
  }

  /**
   * Makes the batch durable: its journal record committed (one fdatasync), or the pack file fsync'd (written now if
   * the journal was to hold it but could not).
   */
  private void makeDurable() throws IOException {
    if (reservation != null) {
      journaled = reservation.commit();
      reservation = null;
    } else if (pack == null) {
      journaled = journal.append(packFile, ByteBuffer.wrap(buf, 0, checkedBytes)); // a small batch, whole
    }
    if (!journaled) {
      if (pack == null) {
        createPackFile();
        JournalFormat.writeAt(pack, ByteBuffer.wrap(buf, 0, checkedBytes), 0);
      }
      pack.force(true);
    }
    synced = true;
  }

  /** The blobs complete but not yet handed out; their bytes go to the pack, if one is open. */
  private Chunk nextChunk() throws IOException {
    if (reservation != null) {
      reservation.write(ByteBuffer.wrap(buf, checkedBytes, scanner.position() - checkedBytes));
    } else if (pack != null) {
      JournalFormat.writeAt(pack, ByteBuffer.wrap(buf, checkedBytes, scanner.position() - checkedBytes), checkedBytes);
    }
    Chunk c = new Chunk(buf, checkedSpans, spans.subList(checkedSpans, spans.size()).toArray(new BlobBatch.Span[0]));
    checkedSpans = spans.size();
    checkedBytes = scanner.position();
    return c;
  }

  /**
   * Blobs {@code first..} of the batch, to check. Holds its own copy of the spans: the receiving thread goes on
   * adding to the list.
   */
  private record Chunk(byte[] batch, int first, BlobBatch.Span[] blobs) {
    Bad check() {
      for (int i = 0; i < blobs.length; i++) {
        BlobBatch.Span s = blobs[i];
        try {
          String actual = Sha256.hex(batch, s.offset(), s.length());
          if (!actual.equals(s.hash())) {
            throw new StoreException("blob bytes hash to " + actual + ", not to " + s.hash());
          }
          MeshBlob.validate(batch, s.offset(), s.length());
        } catch (RuntimeException e) {
          return new Bad(first + i, e);
        }
      }
      return null;
    }
  }

  /**
   * Waits for every blob's check. A pack written as the batch came is fsync'd meanwhile, whatever the checks find:
   * that wait is for the disk, not the processor. Then the last chunk, and any chunk the helpers have not started
   * yet, is checked on this thread (a task that already ran or is running is not run again).
   *
   * @throws StoreException naming the first bad blob of the batch, or when the pack could not be written
   */
  void awaitChecks() throws InterruptedException {
    Bad first;
    try {
      Chunk last = checkedBytes < scanner.position() ? nextChunk() : null;
      if (streaming) {
        makeDurable();
      }
      first = last == null ? null : last.check();
      // The helpers take chunks from the front; this thread from the back.
      for (int i = chunks.size() - 1; i >= 0; i--) {
        chunks.get(i).run();
      }
      for (FutureTask<Bad> f : chunks) {
        Bad b = get(f);
        if (b != null && (first == null || b.index() < first.index())) {
          first = b;
        }
      }
    } catch (IOException e) {
      throw new StoreException("could not write a pack of " + spans.size() + " blobs: " + e.getMessage(), e);
    }
    if (first != null) {
      throw new StoreException("blob " + first.index() + " of the batch: " + first.error().getMessage(),
          first.error());
    }
  }

  private static Bad get(Future<Bad> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("checking a batch failed", e.getCause());
    }
  }

  /** The batch's blobs, in order. */
  List<BlobBatch.Span> spans() {
    return spans;
  }

  /** The array that holds the batch. */
  byte[] bytes() {
    return buf;
  }

  /**
   * The batch as one durable pack, held by the journal or in its file (see {@link #openPack}); the caller owns it
   * from here.
   */
  Path durablePack() throws IOException, InterruptedException {
    if (!streaming) {
      packFile = Packs.newPackName(packDir); // a small batch: made durable whole, now
      checkedBytes = filled;
    }
    if (!synced) {
      makeDurable();
    }
    if (pack != null) {
      pack.close();
      pack = null;
    }
    if (!journaled) {
      try {
        packNamed.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("syncing the pack directory failed", e.getCause());
      }
    }
    Path p = packFile;
    packFile = null;
    return p;
  }

  /** Deletes a pack that {@link #durablePack()} did not hand out. */
  @Override
  public void close() throws IOException {
    for (Future<Bad> f : chunks) {
      f.cancel(false);
    }
    if (reservation != null) {
      reservation.abandon();
    }
    if (pack != null) {
      pack.close();
    }
    if (packFile != null) {
      Files.deleteIfExists(packFile);
    }
  }
}
