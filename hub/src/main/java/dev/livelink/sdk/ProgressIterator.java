package dev.livelink.sdk;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;

/** Hands out an upload in 1 MiB slices and reports (sent, total) after each; {@code total} is the parts' sum. */
final class ProgressIterator implements Iterator<byte[]> {
  private static final int SLICE = 1 << 20;
  private final List<ByteBuffer> parts;
  private final long total;
  private final BiConsumer<Long, Long> progress;
  private int part;
  private long sent;

  ProgressIterator(List<ByteBuffer> parts, long total, BiConsumer<Long, Long> progress) {
    this.parts = parts.stream().map(ByteBuffer::duplicate).toList();
    this.total = total;
    this.progress = progress;
  }

  @Override
  public boolean hasNext() {
    while (part < parts.size() && !parts.get(part).hasRemaining()) {
      part++;
    }
    return part < parts.size();
  }

  /** The next slice, filled from as many parts as it takes: a few large writes, not one per blob. */
  @Override
  public byte[] next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    byte[] out = new byte[(int) Math.min(SLICE, total - sent)];
    for (int at = 0; at < out.length && hasNext(); ) {
      ByteBuffer b = parts.get(part);
      int n = Math.min(b.remaining(), out.length - at);
      b.get(out, at, n);
      at += n;
    }
    sent += out.length;
    if (progress != null) {
      progress.accept(sent, total);
    }
    return out;
  }
}
