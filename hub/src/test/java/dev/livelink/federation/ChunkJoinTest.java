package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.federation.ChunkJoin.Kind;
import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Chunks of a pack over the message limit, joined as they come, interleaved with other objects' chunks. */
class ChunkJoinTest {
  static final byte[] BLOB = new byte[2500];
  static final String HASH;
  static final long ANY = Long.MAX_VALUE;

  static {
    Arrays.fill(BLOB, (byte) 7);
    HASH = Sha256.hex(BLOB);
  }

  static byte[] pack() {
    return BlobBatch.encode(List.of(new BlobBatch.Frame(HASH, BLOB)));
  }

  static byte[] part(int from, int to) {
    return Arrays.copyOfRange(pack(), from, to);
  }

  @Test
  void chunksOfOneSubjectAreJoinedWhileOthersPassThrough() {
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] pack = pack();
    byte[] small = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(new byte[3]), new byte[3])));
    assertThat(j.offer("C.a", part(0, 1000), 0, ANY).kind()).isEqualTo(Kind.WAIT);
    assertThat(j.offer("C.b", small, 0, ANY).pack()).isSameAs(small); // a whole pack of another object, at once
    assertThat(j.offer("C.a", part(1000, 2000), 0, ANY).kind()).isEqualTo(Kind.WAIT);
    assertThat(j.openBytes()).isEqualTo(pack.length);
    ChunkJoin.Step done = j.offer("C.a", part(2000, pack.length), 0, ANY);
    assertThat(done.kind()).isEqualTo(Kind.PACK);
    assertThat(done.pack()).isEqualTo(pack);
    assertThat(j.openBytes()).isZero();
  }

  @Test
  void anObjectWhoseBlobIsHeldPassesSilentlyAndNonPacksGoOnAsTheyAre() {
    ChunkJoin held = new ChunkJoin(Set.of(HASH)::contains);
    assertThat(held.offer("C.a", part(0, 1000), 0, ANY).kind()).isEqualTo(Kind.PASS);
    assertThat(held.offer("C.a", part(1000, 2000), 0, ANY).kind()).isEqualTo(Kind.PASS);
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] manifest = ("{\"id\":\"x\",\"nodes\":[{\"mesh\":\"" + HASH + "\"}]}").getBytes(StandardCharsets.US_ASCII);
    assertThat(j.offer("C.m", manifest, 0, ANY).pack()).isSameAs(manifest); // over a header's 72 bytes, not one
    byte[] middle = part(1000, 2000); // a later chunk of an object whose first was not seen
    assertThat(j.offer("C.x", middle, 0, ANY).pack()).isSameAs(middle);
  }

  @Test
  void aChunkMoreThanItsFrameSaidEndsTheJoinCountedOnce() {
    ChunkJoin j = new ChunkJoin(h -> false);
    j.offer("C.a", part(0, 1000), 0, ANY);
    assertThat(j.offer("C.a", new byte[pack().length], 0, ANY).kind()).isEqualTo(Kind.SKIP);
    assertThat(j.openBytes()).isZero();
    assertThat(j.offer("C.a", part(2000, 2100), 0, ANY).kind()).isEqualTo(Kind.PASS);
  }

  @Test
  void aJoinThatGetsChunksStaysOpenAndIsDroppedOnlyWhenIdleThatLong() {
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] pack = pack();
    j.offer("C.a", part(0, 1000), 0, ANY);
    j.offer("C.a", part(1000, 2000), ChunkJoin.STALE_NANOS - 1, ANY);
    j.dropStale(ChunkJoin.STALE_NANOS + 10); // a minute after it opened, a moment after its last chunk
    assertThat(j.joining()).isOne();
    assertThat(j.offer("C.a", part(2000, pack.length), ChunkJoin.STALE_NANOS + 20, ANY).pack()).isEqualTo(pack);
    j.offer("C.b", part(0, 1000), 0, ANY);
    j.dropStale(ChunkJoin.STALE_NANOS + 1); // no chunk comes: dropped all the same
    assertThat(j.joining()).isZero();
    assertThat(j.openBytes()).isZero();
    // Its later chunk, should it come, passes.
    assertThat(j.offer("C.b", part(1000, 2000), ChunkJoin.STALE_NANOS + 2, ANY).kind()).isEqualTo(Kind.PASS);
  }

  @Test
  void noJoinOpensPastItsMemoryOrTheCallersBudgetAndARefusedObjectCountsOnce() {
    int size = pack().length;
    assertThat(new ChunkJoin(h -> false, size - 1).offer("C.a", part(0, 1000), 0, ANY).kind()).isEqualTo(Kind.SKIP);
    ChunkJoin j = new ChunkJoin(h -> false);
    assertThat(j.offer("C.a", part(0, 1000), 0, size - 1).kind()).isEqualTo(Kind.SKIP);
    assertThat(j.offer("C.a", part(1000, 2000), 0, ANY).kind()).isEqualTo(Kind.PASS);
    assertThat(j.offer("C.b", part(0, 1000), 0, size).kind()).isEqualTo(Kind.WAIT);
    assertThat(j.refuse("C.b").kind()).isEqualTo(Kind.SKIP); // the caller had no room for its next chunk
    assertThat(j.refuse("C.b").kind()).isEqualTo(Kind.PASS);
    assertThat(j.openBytes()).isZero();
    assertThat(j.joining()).isZero();
  }
}
