package dev.livelink.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A blob's bytes where they lie: {@code length} bytes of {@code array} from {@code offset}, often inside a whole pack
 * held in memory, so serving or repacking them copies nothing first. Holders must not change the array.
 */
public record BlobView(byte[] array, int offset, int length) {
  public BlobView {
    if (offset < 0 || length < 0 || offset > array.length - length) {
      throw new IllegalArgumentException(
          "bytes " + offset + ".." + ((long) offset + length) + " are not within an array of " + array.length);
    }
  }

  /** The whole of {@code bytes}. */
  public static BlobView of(byte[] bytes) {
    return new BlobView(bytes, 0, bytes.length);
  }

  /** The bytes in an array of their own. */
  public byte[] copy() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(array, offset, length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlobView v && Arrays.equals(array, offset, offset + length, v.array, v.offset,
        v.offset + v.length);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + array[i];
    }
    return h;
  }

  @Override
  public String toString() {
    return "BlobView[" + length + " bytes]";
  }
}
