package dev.livelink.wire;

import java.io.IOException;

/**
 * A blob batch that breaks the framing: the message names the record and quotes what is wrong. An
 * {@link IOException}, like {@link java.util.zip.ZipException}, because it is found while reading a stream.
 */
public final class BlobBatchException extends IOException {
  private final boolean overLimit;

  BlobBatchException(String message, boolean overLimit) {
    super(message);
    this.overLimit = overLimit;
  }

  /** True when the batch declared more bytes than the reader's cap; false when it is malformed. */
  public boolean overLimit() {
    return overLimit;
  }
}
