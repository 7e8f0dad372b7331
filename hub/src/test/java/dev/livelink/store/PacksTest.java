package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Sha256;
import dev.livelink.runtime.FileSystemSync;
import dev.livelink.wire.BlobBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split of a pack into blob files, made durable by flushing the file system or file by file. */
class PacksTest {
  @TempDir Path dir;

  /** A file system flush that counts its calls and answers {@code works}. */
  private record Counting(AtomicInteger calls, boolean works) implements FileSystemSync {
    Counting(boolean works) {
      this(new AtomicInteger(), works);
    }

    @Override
    public boolean flush(Path path) {
      calls.incrementAndGet();
      return works;
    }
  }

  private Path blobPath(String hash) {
    return dir.resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash);
  }

  /** Keeps a pack of {@code n} distinct blobs, waits for its split and checks every blob file and the pack gone. */
  private void splitAndCheck(FileSystemSync sync, int n) throws Exception {
    List<BlobBatch.Frame> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = BlobStoreTest.blob(i + 1);
      frames.add(new BlobBatch.Frame(Sha256.hex(b), b));
    }
    byte[] batch = BlobBatch.encode(frames);
    List<BlobBatch.Span> spans = new ArrayList<>();
    BlobBatch.Scanner scanner = BlobBatch.scanner(batch.length);
    for (BlobBatch.Span s; (s = scanner.next(batch, batch.length)) != null; ) {
      spans.add(s);
    }
    try (Packs packs = new Packs(dir.resolve("packs"), this::blobPath, sync)) {
      packs.keepUnsynced(batch, spans);
      packs.awaitSplit();
      for (BlobBatch.Frame f : frames) {
        assertThat(Files.readAllBytes(blobPath(f.hash()))).isEqualTo(f.data());
        assertThat(packs.isPending(f.hash())).isFalse();
      }
    }
    assertThat(dir.resolve("packs")).isEmptyDirectory();
  }

  @Test
  void aLargeSplitFlushesTheFileSystemTwiceInsteadOfAnFsyncPerFile() throws Exception {
    Counting sync = new Counting(true);
    splitAndCheck(sync, 40);
    assertThat(sync.calls()).hasValue(2); // once for the files' bytes, once for their names
  }

  @Test
  void aSplitWhoseFlushFailsSyncsFileByFileAndStillSplits() throws Exception {
    Counting sync = new Counting(false);
    splitAndCheck(sync, 40);
    assertThat(sync.calls()).hasValue(2);
  }

  @Test
  void aSmallSplitIsFsyncdFileByFile() throws Exception {
    Counting sync = new Counting(true);
    splitAndCheck(sync, Packs.FLUSH_FROM - 1);
    assertThat(sync.calls()).hasValue(0);
  }

  @Test
  void theStoresOwnFlushSplitsAPackOnThisMachine() throws Exception {
    splitAndCheck(FileSystemSync.command(), 40);
  }
}
