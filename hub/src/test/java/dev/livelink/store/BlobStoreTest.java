package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  @TempDir Path dir;

  static byte[] blob(float size) {
    return MeshBlob.encode(new MeshData(new float[] {0, 0, 0, size, 0, 0, 0, size, 0}, new int[] {0, 1, 2}, null,
        null));
  }

  @Test
  void aBatchIsStoredWholeAndSplitIntoBlobFiles() {
    byte[] a = blob(1);
    byte[] b = blob(2);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      List<String> fresh = s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a),
          new BlobBatch.Frame(Sha256.hex(b), b), new BlobBatch.Frame(Sha256.hex(a), a)));
      assertThat(fresh).containsExactly(Sha256.hex(a), Sha256.hex(b));
      assertThat(s.get(Sha256.hex(b))).isEqualTo(b);
    }
    // After close the split is done: blob files, no pack.
    assertThat(dir.resolve("blobs").resolve(Sha256.hex(a).substring(0, 2)).resolve(Sha256.hex(a))).exists();
    assertThat(dir.resolve("packs")).isEmptyDirectory();
  }

  @Test
  void awaitSplitReturnsOnceTheBatchIsInBlobFiles() throws Exception {
    byte[] a = blob(4);
    byte[] b = blob(5);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(b), b)));
      s.awaitSplit();
      assertThat(dir.resolve("blobs").resolve(Sha256.hex(b).substring(0, 2)).resolve(Sha256.hex(b))).exists();
      assertThat(dir.resolve("packs")).isEmptyDirectory();
    }
  }

  @Test
  void aTornPackKeepsItsCompleteRecords() throws Exception {
    byte[] a = blob(6);
    byte[] b = blob(7);
    byte[] pack = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(b), b)));
    Files.createDirectories(dir.resolve("packs"));
    Files.write(dir.resolve("packs").resolve("2-torn.pack"), java.util.Arrays.copyOf(pack, pack.length - 3));
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a);
      assertThat(s.has(Sha256.hex(b))).isFalse();
    }
  }

  @Test
  void aBadBlobRefusesTheWholeBatch() {
    byte[] a = blob(1);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      assertThatThrownBy(() -> s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a),
          new BlobBatch.Frame("0".repeat(64), a))))
          .hasMessage("blob 1 of the batch: blob bytes hash to " + Sha256.hex(a) + ", not to " + "0".repeat(64));
      assertThat(s.has(Sha256.hex(a))).isFalse();
    }
  }

  @Test
  void aPackLeftByACrashIsSplitAtTheNextStart() throws Exception {
    byte[] a = blob(3);
    ByteBuffer pack = ByteBuffer.allocate(72 + a.length).order(ByteOrder.LITTLE_ENDIAN);
    pack.put(Sha256.hex(a).getBytes(StandardCharsets.US_ASCII)).putLong(a.length).put(a);
    Files.createDirectories(dir.resolve("packs"));
    Files.write(dir.resolve("packs").resolve("1-crash.pack"), pack.array());
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a);
    }
    assertThat(dir.resolve("packs").resolve("1-crash.pack")).doesNotExist();
  }
}
