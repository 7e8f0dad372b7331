package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's write-ahead journal: what a power cut before the checkpoint loses comes back at the next open. */
class JournalTest {
  private static final long NEVER = TimeUnit.DAYS.toMillis(1);

  @TempDir Path dir;

  private Path journalFile() {
    return dir.resolve("journal");
  }

  /** A journal whose background creation is done and whose checkpoints run only when a test says so. */
  private Journal ready() throws InterruptedException {
    Journal j = Journal.open(journalFile(), dir, NEVER);
    j.settle();
    assertThat(j.takes(1000)).isTrue();
    return j;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void filesLostInAPowerCutBeforeTheCheckpointAreWrittenAgainAtTheNextOpen() throws Exception {
    Path lost = dir.resolve("scenes").resolve("doc").resolve("v1.json");
    Path emptied = dir.resolve("blobs").resolve("ab").resolve("abc");
    Journal j = ready();
    j.write(lost, ByteBuffer.wrap(bytes("version one")));
    j.write(emptied, ByteBuffer.wrap(bytes("blob bytes")));
    assertThat(j.appended()).isEqualTo(2);
    assertThat(lost).hasContent("version one");
    j.crash();
    // What a power cut may leave of files renamed into place without an fsync: no name, or a name and no data.
    Files.delete(lost);
    Files.write(emptied, new byte[0]);

    Journal again = Journal.open(journalFile(), dir, NEVER);
    assertThat(lost).hasContent("version one");
    assertThat(emptied).hasContent("blob bytes");
    assertThat(recordsNow()).isEmpty(); // written back durably, so the journal starts empty
    again.close();
  }

  @Test
  void aCheckpointEmptiesTheJournalSoNothingComesBackThatWasDeletedLater() throws Exception {
    Path pruned = dir.resolve("scenes").resolve("doc").resolve("v1.json");
    Journal j = ready();
    j.write(pruned, ByteBuffer.wrap(bytes("old version")));
    assertThat(recordsNow()).hasSize(1);
    j.settle();
    assertThat(recordsNow()).isEmpty();
    Files.delete(pruned); // the store drops an old version
    j.crash();

    Journal.open(journalFile(), dir, NEVER).close();
    assertThat(pruned).doesNotExist();
  }

  @Test
  void aTornLastRecordIsIgnoredAndTheWholeOnesBeforeItAreKept() throws Exception {
    Path whole = dir.resolve("a");
    Path torn = dir.resolve("b");
    Journal j = ready();
    j.write(whole, ByteBuffer.wrap(bytes("whole")));
    long tornAt = JournalFormat.START + 24 + "a".length() + "whole".length();
    j.write(torn, ByteBuffer.wrap(bytes("torn")));
    j.crash();
    Files.delete(whole);
    Files.delete(torn);
    try (FileChannel c = FileChannel.open(journalFile(), StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(bytes("xx")), tornAt + 24 + 1); // the append was cut short: its bytes differ
    }

    Journal.open(journalFile(), dir, NEVER).close();
    assertThat(whole).hasContent("whole");
    assertThat(torn).doesNotExist();
  }

  @Test
  void aRecordNamingAPathOutsideTheStoreIsNotWritten() throws Exception {
    Path store = dir.resolve("store");
    Files.createDirectories(store);
    Journal j = Journal.open(journalFile(), store, NEVER);
    j.settle();
    j.crash();
    byte[] path = bytes("../outside");
    byte[] data = bytes("not ours");
    CRC32C crc = new CRC32C();
    crc.update(path);
    crc.update(data);
    ByteBuffer gen = ByteBuffer.allocate(12);
    try (FileChannel c = FileChannel.open(journalFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      c.read(gen, 0);
      ByteBuffer r = ByteBuffer.allocate(24 + path.length + data.length);
      r.putInt(0x4c4c5231).putLong(gen.getLong(4)).putInt(path.length).putInt(data.length).putInt((int) crc.getValue());
      r.put(path).put(data).flip();
      c.write(r, JournalFormat.START);
    }

    Journal.open(journalFile(), store, NEVER).close();
    assertThat(dir.resolve("outside")).doesNotExist();
  }

  @Test
  void aFileTooLargeForTheJournalIsFsyncedAndTheJournalGrowsForTheNextOne() throws Exception {
    Journal j = ready();
    byte[] big = new byte[(int) Journal.FIRST_SIZE + 1000];
    big[7] = 7;
    j.write(dir.resolve("big1"), ByteBuffer.wrap(big));
    assertThat(j.appended()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("big1"))).isEqualTo(big);
    j.settle(); // the growth asked for runs first
    assertThat(j.takes(big.length)).isTrue();
    j.write(dir.resolve("big2"), ByteBuffer.wrap(big));
    assertThat(j.appended()).isEqualTo(1);
    j.crash();
    Files.delete(dir.resolve("big2"));
    Journal.open(journalFile(), dir, NEVER).close();
    assertThat(Files.readAllBytes(dir.resolve("big2"))).isEqualTo(big);
  }

  @Test
  void aBatchUploadIsHeldByTheJournalAloneUntilItsBlobsAreInTheirOwnFiles() throws Exception {
    Journal j = ready();
    byte[] a = BlobStoreTest.blob(1);
    byte[] b = BlobStoreTest.blob(2);
    try (BlobStore s = blobStore(j)) {
      assertThat(s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(b), b))))
          .hasSize(2);
      assertThat(j.appended()).isEqualTo(1); // the batch, one record: no pack file, no fsync of its own
      assertThat(packFiles()).isEmpty();
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a); // from memory until the split
      s.awaitSplit();
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a);
    }
    j.settle();
    assertThat(recordsNow()).isEmpty();
    j.close();
  }

  @Test
  void aBatchTheJournalHeldComesBackAsAPackAfterAPowerCutBeforeItsSplit() throws Exception {
    Journal j = ready();
    byte[] a = BlobStoreTest.blob(3);
    byte[] b = BlobStoreTest.blob(4);
    try (BlobStore s = blobStore(j)) {
      s.putAll(List.of(new BlobBatch.Frame(Sha256.hex(a), a), new BlobBatch.Frame(Sha256.hex(b), b)));
      s.awaitSplit();
    }
    j.crash();
    deleteBlobFiles(); // the split's files lost with the power: only the journal has the batch

    Journal again = Journal.open(journalFile(), dir, NEVER);
    try (BlobStore s = blobStore(again)) {
      assertThat(s.get(Sha256.hex(a))).isEqualTo(a);
      assertThat(s.get(Sha256.hex(b))).isEqualTo(b);
    }
    again.close();
  }

  @Test
  void aLargeBatchIsWrittenIntoTheJournalAsItComesAndComesBackAfterAPowerCut() throws Exception {
    Journal j = ready();
    List<BlobBatch.Frame> frames = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      byte[] b = bigBlob(i); // ~48 KB each: past the 256 KB after which a batch is checked as it comes
      frames.add(new BlobBatch.Frame(Sha256.hex(b), b));
    }
    try (BlobStore s = blobStore(j)) {
      assertThat(s.putAll(frames)).hasSize(12);
      assertThat(j.appended()).isEqualTo(1);
      assertThat(packFiles()).isEmpty();
      s.awaitSplit();
    }
    j.crash();
    deleteBlobFiles();
    Journal again = Journal.open(journalFile(), dir, NEVER);
    try (BlobStore s = blobStore(again)) {
      for (BlobBatch.Frame f : frames) {
        assertThat(s.get(f.hash())).isEqualTo(f.data());
      }
    }
    again.close();
  }

  @Test
  void anAbandonedReservationIsSteppedOverAndTheRecordsAfterItAreKept() throws Exception {
    Journal j = ready();
    JournalReservation r = j.reserve(dir.resolve("packs").resolve("cut.pack"), 1000);
    r.write(ByteBuffer.wrap(new byte[300])); // the upload failed here
    Path after = dir.resolve("after");
    j.write(after, ByteBuffer.wrap(bytes("written after")));
    r.abandon();
    j.crash();
    Files.delete(after);

    Journal.open(journalFile(), dir, NEVER).close();
    assertThat(after).hasContent("written after");
    assertThat(dir.resolve("packs").resolve("cut.pack")).doesNotExist();
  }

  private static byte[] bigBlob(int seed) {
    int n = 1000;
    float[] p = new float[3 * n];
    for (int i = 0; i < p.length; i++) {
      p[i] = seed + i * 0.001f;
    }
    int[] idx = new int[3 * (n - 2)];
    for (int t = 0; t < n - 2; t++) {
      idx[3 * t] = t;
      idx[3 * t + 1] = t + 1;
      idx[3 * t + 2] = t + 2;
    }
    return dev.livelink.model.MeshBlob.encode(new dev.livelink.model.MeshData(p, idx, null, null));
  }

  /** The store's blob store over {@code j}, as SceneStore makes it. */
  private BlobStore blobStore(Journal j) {
    return new BlobStore(dir.resolve("blobs"), Duration.ofHours(1), System::currentTimeMillis, j);
  }

  private void deleteBlobFiles() throws IOException {
    try (var files = Files.walk(dir.resolve("blobs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.delete(f);
      }
    }
  }

  private List<Path> packFiles() throws IOException {
    Path packs = dir.resolve("packs");
    if (!Files.isDirectory(packs)) {
      return List.of();
    }
    try (var files = Files.list(packs)) {
      return files.toList();
    }
  }

  @Test
  void aSceneStoreReopensWithEveryVersionItJournaled() throws Exception {
    try (SceneStore s = new SceneStore(dir)) {
      String m = SceneStoreTest.blob(s, 1);
      for (int i = 0; i < 3; i++) {
        s.publish(SceneStoreTest.scene("doc", 5, m, i), null, null);
      }
    }
    try (SceneStore s = new SceneStore(dir)) {
      assertThat(s.latest("doc").number()).isEqualTo(3);
      assertThat(s.delta("doc", 0).scene().nodes()).hasSize(5);
    }
  }

  private List<JournalFormat.Entry> recordsNow() throws IOException {
    try (FileChannel c = FileChannel.open(journalFile(), StandardOpenOption.READ)) {
      ByteBuffer h = ByteBuffer.allocate(12);
      c.read(h, 0);
      return JournalFormat.read(c, h.getLong(4));
    }
  }
}
