package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions and blobs stored without waiting for the disk (a version from another hub, see Unsynced). */
class UnsyncedTest {
  @TempDir Path home;

  @Test
  void aVersionAndItsBlobsAreServedAtOnceAndSurviveARestart() throws Exception {
    byte[] b = BlobStoreTest.blob(3);
    String h = Sha256.hex(b);
    Unsynced written = new Unsynced();
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.blobs().putAllUnsynced(List.of(new BlobBatch.Frame(h, b)), written)).containsExactly(h);
      assertThat(s.blobs().get(h)).isEqualTo(b);
      s.publishUnsynced(SceneStoreTest.scene("hub:doc", 3, h, 0), null, null, written);
      assertThat(s.latest("hub:doc").number()).isEqualTo(1);
      assertThat(written.files()).hasSize(2); // the pack and the version file
      written.sync();
    }
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.latest("hub:doc").scene().nodes()).hasSize(3);
      assertThat(s.blobs().get(h)).isEqualTo(b);
    }
  }

  @Test
  void anEmptyVersionFileAPowerCutLeftIsDroppedAtStart() throws Exception {
    try (SceneStore s = new SceneStore(home)) {
      String m = SceneStoreTest.blob(s, 1);
      s.publish(SceneStoreTest.scene("hub:doc", 2, m, 0), null, null);
      Unsynced written = new Unsynced();
      s.publishUnsynced(SceneStoreTest.scene("hub:doc", 2, m, 1), null, null, written);
      Files.write(written.files().get(0), new byte[0]); // written, never fsync'd, then the power went
    }
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.latest("hub:doc").number()).isEqualTo(1);
      assertThat(s.header("hub:doc", 2)).isNull();
    }
  }

  @Test
  void aBadBlobIsRefusedAndNothingIsWritten() {
    byte[] b = BlobStoreTest.blob(3);
    Unsynced written = new Unsynced();
    try (SceneStore s = new SceneStore(home)) {
      String wrong = Sha256.hex(BlobStoreTest.blob(4));
      assertThatThrownBy(() -> s.blobs().putAllUnsynced(List.of(new BlobBatch.Frame(wrong, b)), written))
          .isInstanceOf(StoreException.class).hasMessageContaining(wrong);
      assertThat(written.isEmpty()).isTrue();
      assertThat(s.blobs().has(wrong)).isFalse();
    }
  }

  @Test
  void aBatchReceivedWholeIsWrittenAsItIsWithOnlyItsNewBlobsAndSurvivesARestart() throws Exception {
    byte[] held = BlobStoreTest.blob(5);
    byte[] fresh = BlobStoreTest.blob(6);
    byte[] batch = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(held), held),
        new BlobBatch.Frame(Sha256.hex(fresh), fresh)));
    try (SceneStore s = new SceneStore(home)) {
      s.blobs().put(Sha256.hex(held), held);
      Unsynced written = new Unsynced();
      assertThat(s.blobs().putBatchUnsynced(batch, files -> {
        assertThat(s.blobs().has(Sha256.hex(fresh))).as("held only once its fsync is asked for").isFalse();
        written.addAll(files);
      })).containsExactly(Sha256.hex(fresh));
      assertThat(written.files()).hasSize(1);
      assertThat(Files.readAllBytes(written.files().get(0))).isEqualTo(batch);
      assertThat(s.blobs().get(Sha256.hex(fresh))).isEqualTo(fresh);
      written.sync();
    }
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.blobs().get(Sha256.hex(fresh))).isEqualTo(fresh);
      assertThat(s.blobs().get(Sha256.hex(held))).isEqualTo(held);
    }
  }

  @Test
  void aBatchReceivedWholeWithOneBadBlobOrCutShortStoresNothing() {
    byte[] good = BlobStoreTest.blob(7);
    byte[] other = BlobStoreTest.blob(8);
    String lie = Sha256.hex(BlobStoreTest.blob(9));
    byte[] bad = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(good), good),
        new BlobBatch.Frame(lie, other)));
    try (SceneStore s = new SceneStore(home)) {
      Unsynced written = new Unsynced();
      assertThatThrownBy(() -> s.blobs().putBatchUnsynced(bad, written::addAll)).isInstanceOf(StoreException.class)
          .hasMessageContaining(lie);
      assertThatThrownBy(() -> s.blobs().putBatchUnsynced(java.util.Arrays.copyOf(bad, bad.length - 1),
          written::addAll)).isInstanceOf(dev.livelink.wire.BlobBatchException.class);
      assertThat(written.isEmpty()).isTrue();
      assertThat(s.blobs().has(Sha256.hex(good))).isFalse();
    }
  }
}
