package dev.livelink.wire;

import dev.livelink.model.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The blob batch framing of docs/protocol.md, shared by batch upload ({@code POST /v1/blobs}), batch fetch
 * ({@code POST /v1/blobs/fetch}) and the store's pack files. Per blob, repeated to the end of the stream:
 *
 * <pre>
 * offset  size  field
 * 0       64    SHA-256 of the bytes, lowercase ASCII hex
 * 64      8     u64 little-endian length N
 * 72      N     the bytes
 * </pre>
 *
 * The codec checks the framing and the hash text only; whether the bytes hash to it is the store's business.
 */
public final class BlobBatch {
  /** Bytes in front of every blob: its hash text and its length. */
  public static final int HEADER = 72;
  private static final int HASH = 64;
  /** Each blob becomes one Java array, so no cap may go past the largest one. */
  private static final long LARGEST_CAP = Integer.MAX_VALUE - 8;

  /** One blob of a batch: the hash it was sent under and its bytes. */
  public record Frame(String hash, byte[] data) {}

  /** One blob to write in a batch: its hash and its bytes where they lie. */
  public record Part(String hash, BlobView bytes) {}

  /** One blob of a batch held in one array: the hash it was sent under and where its bytes lie in the array. */
  public record Span(String hash, int offset, int length) {}

  /** The header of a blob whose bytes are not all in yet: its hash and its declared length. */
  public record Header(String hash, long length) {}

  private BlobBatch() {}

  /** Bytes a blob of {@code length} bytes takes in a batch. */
  public static long frameSize(long length) {
    return HEADER + length;
  }

  /** The 72 bytes in front of a blob. */
  public static byte[] header(String hash, long length) {
    if (!Ids.isSha256(hash)) {
      throw new IllegalArgumentException("\"" + hash + "\" is not a lowercase hex SHA-256");
    }
    if (length < 0) {
      throw new IllegalArgumentException("length " + length + " < 0");
    }
    return ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN)
        .put(hash.getBytes(StandardCharsets.US_ASCII)).putLong(length).array();
  }

  /** The whole batch in one array, sized exactly (a pack file), each blob copied once from where it lies. */
  public static byte[] encodeParts(List<Part> parts) {
    long size = 0;
    for (Part p : parts) {
      size += frameSize(p.bytes().length());
    }
    if (size > LARGEST_CAP) {
      throw new IllegalArgumentException("a batch of " + size + " bytes does not fit in one array");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    for (Part p : parts) {
      BlobView b = p.bytes();
      out.put(header(p.hash(), b.length())).put(b.array(), b.offset(), b.length());
    }
    return out.array();
  }

  /** The whole batch in one array, sized exactly (a pack file). */
  public static byte[] encode(List<Frame> frames) {
    return encodeParts(frames.stream().map(f -> new Part(f.hash(), BlobView.of(f.data()))).toList());
  }

  /** A reader of the frames in {@code in} that refuses a batch declaring more than {@code cap} bytes of blobs. */
  public static Reader reader(InputStream in, long cap) {
    if (cap < 0 || cap > LARGEST_CAP) {
      throw new IllegalArgumentException("cap " + cap + " is not within 0.." + LARGEST_CAP);
    }
    return new Reader(in, cap);
  }

  /**
   * A scanner of a batch that arrives into one array, which refuses a batch declaring more than {@code cap} bytes
   * of blobs; it checks the framing as {@link Reader} does, with the same messages.
   */
  public static Scanner scanner(long cap) {
    if (cap < 0 || cap > LARGEST_CAP) {
      throw new IllegalArgumentException("cap " + cap + " is not within 0.." + LARGEST_CAP);
    }
    return new Scanner(cap);
  }

  /** A writer of frames to {@code out}; the caller owns and closes the stream. */
  public static Writer writer(OutputStream out) {
    return new Writer(out);
  }

  /** Reads frames one at a time; the caller owns and closes the stream. */
  public static final class Reader {
    private final InputStream in;
    private final long cap;
    private long total;
    private int count;

    private Reader(InputStream in, long cap) {
      this.in = in;
      this.cap = cap;
    }

    /**
     * @return the next frame, or null when the stream ends cleanly between two frames
     * @throws BlobBatchException when the stream ends inside a frame, a hash is not hex, or the cap is passed
     */
    public Frame next() throws IOException {
      byte[] head = in.readNBytes(HEADER);
      if (head.length == 0) {
        return null;
      }
      if (head.length < HEADER) {
        throw truncatedHeader(count);
      }
      String hash = hash(head, 0, count);
      long len = length(head, 0, hash, count, cap, total);
      byte[] data = in.readNBytes((int) len);
      if (data.length < len) {
        throw truncated(hash, len, data.length);
      }
      total += len;
      count++;
      return new Frame(hash, data);
    }

    /** Every frame to the end of the stream; nothing when one is bad. */
    public List<Frame> readAll() throws IOException {
      List<Frame> out = new ArrayList<>();
      for (Frame f; (f = next()) != null; ) {
        out.add(f);
      }
      return out;
    }
  }

  /**
   * Finds the frames of a batch in an array that fills as the batch arrives, without copying: each
   * {@link #next} returns the next frame whose bytes are all in, so a caller can check blobs while the rest is
   * still on its way. A header is checked as soon as it is in, so a batch over its cap is refused before its bytes
   * are waited for.
   */
  public static final class Scanner {
    private final long cap;
    private long total;
    private int count;
    private int at;

    private Scanner(long cap) {
      this.cap = cap;
    }

    /**
     * @param batch the batch's first {@code available} bytes (offset 0 = the batch's first byte)
     * @return the next frame that lies whole within them, or null when more bytes are needed
     * @throws BlobBatchException when a hash is not hex or the cap is passed
     */
    public Span next(byte[] batch, int available) throws BlobBatchException {
      if (available - at < HEADER) {
        return null;
      }
      String hash = hash(batch, at, count);
      long len = length(batch, at, hash, count, cap, total);
      if (available - at - HEADER < len) {
        return null;
      }
      Span s = new Span(hash, at + HEADER, (int) len);
      at += HEADER + (int) len;
      total += len;
      count++;
      return s;
    }

    /**
     * The header of the frame {@link #next} waits for the rest of (call once it returned null), or null when not
     * even its header is in.
     *
     * @throws BlobBatchException when its hash is not hex or its length passes the cap
     */
    public Header pending(byte[] batch, int available) throws BlobBatchException {
      if (available - at < HEADER) {
        return null;
      }
      String hash = hash(batch, at, count);
      return new Header(hash, length(batch, at, hash, count, cap, total));
    }

    /** Where the next frame starts: every byte before it belongs to a frame returned by {@link #next}. */
    public int position() {
      return at;
    }

    /**
     * The batch ended after {@code length} bytes; call once {@link #next} returned null for them.
     *
     * @throws BlobBatchException when it ended inside a frame
     */
    public void end(byte[] batch, int length) throws BlobBatchException {
      if (length == at) {
        return;
      }
      if (length - at < HEADER) {
        throw truncatedHeader(count);
      }
      String hash = hash(batch, at, count);
      throw truncated(hash, length(batch, at, hash, count, cap, total), length - at - HEADER);
    }
  }

  private static String hash(byte[] b, int at, int count) throws BlobBatchException {
    String hash = new String(b, at, HASH, StandardCharsets.US_ASCII);
    if (!Ids.isSha256(hash)) {
      throw new BlobBatchException("blob batch record " + (count + 1) + ": \"" + hash
          + "\" is not a lowercase hex SHA-256", false);
    }
    return hash;
  }

  /** The length in the header at {@code at}, refused when it takes the blobs so far ({@code total}) past the cap. */
  private static long length(byte[] b, int at, String hash, int count, long cap, long total)
      throws BlobBatchException {
    long len = ByteBuffer.wrap(b, at + HASH, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    // A u64 past Long.MAX_VALUE reads as negative; it is over any cap.
    if (len < 0 || len > cap - total) {
      throw new BlobBatchException("blob batch record " + (count + 1) + ": " + hash + " declares "
          + Long.toUnsignedString(len) + " bytes, which takes the batch over its limit of " + cap + " bytes",
          true);
    }
    return len;
  }

  private static BlobBatchException truncatedHeader(int count) {
    return new BlobBatchException("blob batch truncated in a record header after " + count + " blobs", false);
  }

  private static BlobBatchException truncated(String hash, long declared, long got) {
    return new BlobBatchException("blob batch truncated: " + hash + " declares " + declared + " bytes, got " + got,
        false);
  }

  /** Writes frames; nothing is buffered here, so the caller flushes or closes {@code out}. */
  public static final class Writer {
    private final OutputStream out;

    private Writer(OutputStream out) {
      this.out = out;
    }

    public Writer write(String hash, byte[] data) throws IOException {
      out.write(header(hash, data.length));
      out.write(data);
      return this;
    }

    public Writer write(String hash, BlobView bytes) throws IOException {
      out.write(header(hash, bytes.length()));
      bytes.writeTo(out);
      return this;
    }
  }
}
