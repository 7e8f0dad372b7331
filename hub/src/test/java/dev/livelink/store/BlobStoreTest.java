package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobView;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
  void aBlobNotYetSplitIsServedFromItsPackWithoutACopyAndFromItsFileAfter() throws Exception {
    byte[] a = blob(8);
    byte[] b = blob(9);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(b), b)));
      BlobView pending = s.view(Sha256.hex(b));
      // The pack's array, both blobs and their headers: nothing was copied out for the asker.
      assertThat(pending.array().length).isEqualTo(2 * BlobBatch.HEADER + a.length + b.length);
      assertThat(pending.copy()).isEqualTo(b);
      s.awaitSplit();
      BlobView split = s.view(Sha256.hex(b));
      assertThat(split.array()).isEqualTo(b);
      assertThat(split).isEqualTo(pending);
      assertThat(s.view("0".repeat(64))).isNull();
    }
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

  /** Blobs of about 10 KB, enough of them that a batch is checked and written in several chunks. */
  static List<BlobBatch.Frame> manyBlobs(int n, int seed) {
    List<BlobBatch.Frame> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] p = new float[3 * 800];
      for (int k = 0; k < p.length; k++) {
        p[k] = seed * 1000 + i + k;
      }
      byte[] b = MeshBlob.encode(new MeshData(p, new int[] {0, 1, 2}, null, null));
      out.add(new BlobBatch.Frame(Sha256.hex(b), b));
    }
    return out;
  }

  /** A body that arrives a few bytes at a time, as a slow sender's would. */
  static InputStream trickle(byte[] body) {
    return new FilterInputStream(new ByteArrayInputStream(body)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1000));
      }
    };
  }

  @Test
  void aBatchReceivedInPiecesIsCheckedAndStoredWhole() throws Exception {
    List<BlobBatch.Frame> frames = manyBlobs(150, 1); // 1.4 MB: checked in chunks while it arrives
    byte[] body = BlobBatch.encode(frames);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      for (long declared : new long[] {body.length, -1}) { // with a Content-Length, and chunked
        BlobStore.Stored stored = s.receive(trickle(body), declared, body.length, body.length);
        assertThat(stored.hashes()).containsExactlyElementsOf(frames.stream().map(BlobBatch.Frame::hash).toList());
        assertThat(stored.fresh()).hasSize(declared < 0 ? 0 : 150);
      }
      assertThat(s.get(frames.get(77).hash())).isEqualTo(frames.get(77).data());
      s.awaitSplit();
      assertThat(s.get(frames.get(149).hash())).isEqualTo(frames.get(149).data());
    }
    assertThat(dir.resolve("packs")).isEmptyDirectory();
  }

  @Test
  void aBadBlobLateInALargeBatchRefusesItAndLeavesNoPack() throws Exception {
    List<BlobBatch.Frame> frames = new ArrayList<>(manyBlobs(150, 2));
    byte[] good = frames.get(120).data();
    frames.set(120, new BlobBatch.Frame(Sha256.hex(good), Arrays.copyOf(good, good.length - 4)));
    byte[] body = BlobBatch.encode(frames);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      assertThatThrownBy(() -> s.receive(trickle(body), body.length, body.length, body.length))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("blob 120 of the batch: blob bytes hash to ");
      assertThat(s.has(frames.get(0).hash())).isFalse();
      assertThat(dir.resolve("packs")).isEmptyDirectory();
    }
  }

  @Test
  void aPackWithABadBlobKeepsOnlyTheGoodOnesAtTheNextStart() throws Exception {
    byte[] a = blob(8);
    byte[] b = blob(9);
    byte[] pack = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(a), b),
        new BlobBatch.Frame(Sha256.hex(b), b)));
    Files.createDirectories(dir.resolve("packs"));
    Files.write(dir.resolve("packs").resolve("batch-1.pack"), pack);
    try (BlobStore s = new BlobStore(dir.resolve("blobs"))) {
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a);
      assertThat(s.get(Sha256.hex(b))).isEqualTo(b);
    }
    assertThat(dir.resolve("packs")).isEmptyDirectory();
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
