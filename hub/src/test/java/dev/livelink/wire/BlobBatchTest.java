package dev.livelink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlobBatchTest {
  static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
  static final byte[] WORLD = "world, at more length".getBytes(StandardCharsets.US_ASCII);
  static final String H1 = Sha256.hex(HELLO);
  static final String H2 = Sha256.hex(WORLD);

  static byte[] twoBlobs() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BlobBatch.writer(out).write(H1, HELLO).write(H2, WORLD);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  static List<BlobBatch.Frame> read(byte[] batch, long cap) throws Exception {
    return BlobBatch.reader(new ByteArrayInputStream(batch), cap).readAll();
  }

  @Test
  void writerLaysOutHashThenLittleEndianLengthThenBytes() throws Exception {
    byte[] b = twoBlobs();
    assertThat(b).hasSize(72 + 5 + 72 + WORLD.length);
    assertThat(new String(b, 0, 64, StandardCharsets.US_ASCII)).isEqualTo(H1);
    assertThat(ByteBuffer.wrap(b, 64, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(5);
    assertThat(Arrays.copyOfRange(b, 72, 77)).isEqualTo(HELLO);
    assertThat(BlobBatch.encode(List.of(new BlobBatch.Frame(H1, HELLO), new BlobBatch.Frame(H2, WORLD))))
        .isEqualTo(b);
  }

  @Test
  void roundTrip() throws Exception {
    List<BlobBatch.Frame> frames = read(twoBlobs(), 1000);
    assertThat(frames).extracting(BlobBatch.Frame::hash).containsExactly(H1, H2);
    assertThat(frames.get(0).data()).isEqualTo(HELLO);
    assertThat(frames.get(1).data()).isEqualTo(WORLD);
    assertThat(read(new byte[0], 1000)).isEmpty();
  }

  @Test
  void truncatedHeader() {
    byte[] cut = Arrays.copyOf(twoBlobs(), 72 + 5 + 30);
    assertThatThrownBy(() -> read(cut, 1000)).isInstanceOf(BlobBatchException.class)
        .hasMessage("blob batch truncated in a record header after 1 blobs");
  }

  @Test
  void truncatedBytes() {
    byte[] b = twoBlobs();
    byte[] cut = Arrays.copyOf(b, b.length - 4);
    assertThatThrownBy(() -> read(cut, 1000))
        .hasMessage("blob batch truncated: " + H2 + " declares " + WORLD.length + " bytes, got " + (WORLD.length - 4));
  }

  @Test
  void badHashText() {
    byte[] b = twoBlobs();
    byte[] upper = H2.toUpperCase().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(upper, 0, b, 72 + 5, 64);
    assertThatThrownBy(() -> read(b, 1000))
        .hasMessage("blob batch record 2: \"" + H2.toUpperCase() + "\" is not a lowercase hex SHA-256");
  }

  @Test
  void lengthOverTheCap() {
    assertThatThrownBy(() -> read(twoBlobs(), 20))
        .hasMessage("blob batch record 2: " + H2 + " declares " + WORLD.length
            + " bytes, which takes the batch over its limit of 20 bytes")
        .isInstanceOfSatisfying(BlobBatchException.class, e -> assertThat(e.overLimit()).isTrue());
  }

  @Test
  void lengthPastSignedLongIsOverEveryCap() {
    byte[] b = twoBlobs();
    Arrays.fill(b, 64, 72, (byte) 0xff);
    assertThatThrownBy(() -> read(b, Integer.MAX_VALUE - 8))
        .hasMessage("blob batch record 1: " + H1 + " declares 18446744073709551615 bytes, which takes the batch over "
            + "its limit of 2147483639 bytes");
  }

  @Test
  void writerRefusesAHashItCannotFrame() {
    assertThatThrownBy(() -> BlobBatch.header("abc", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"abc\" is not a lowercase hex SHA-256");
  }
}
