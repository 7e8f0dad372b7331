package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
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

  @Test
  void chunksOfOneSubjectAreJoinedWhileOthersPassThrough() {
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] pack = pack();
    byte[] small = BlobBatch.encode(List.of(new BlobBatch.Frame(Sha256.hex(new byte[3]), new byte[3])));
    assertThat(j.offer("C.a", Arrays.copyOfRange(pack, 0, 1000), 0, ANY).pending()).isTrue();
    assertThat(j.offer("C.b", small, 0, ANY).pack()).isSameAs(small); // a whole pack of another object, at once
    assertThat(j.offer("C.a", Arrays.copyOfRange(pack, 1000, 2000), 0, ANY).pending()).isTrue();
    assertThat(j.openBytes()).isEqualTo(pack.length);
    assertThat(j.offer("C.a", Arrays.copyOfRange(pack, 2000, pack.length), 0, ANY).pack()).isEqualTo(pack);
    assertThat(j.openBytes()).isZero();
  }

  @Test
  void aBlobHeldNotAPackOrAChunkTooManyIsHandedOnAsItIs() {
    byte[] pack = pack();
    byte[] first = Arrays.copyOfRange(pack, 0, 1000);
    assertThat(new ChunkJoin(Set.of(HASH)::contains).offer("C.a", first, 0, ANY).pack()).isSameAs(first);
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] manifest = ("{\"id\":\"x\",\"nodes\":[" + "{\"mesh\":\"" + HASH + "\"}]}")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII); // over a header's 72 bytes, not one
    assertThat(j.offer("C.m", manifest, 0, ANY).pack()).isSameAs(manifest);
    j.offer("C.a", first, 0, ANY);
    byte[] tooMuch = new byte[pack.length];
    assertThat(j.offer("C.a", tooMuch, 0, ANY).pack()).isSameAs(tooMuch);
    assertThat(j.openBytes()).isZero();
  }

  @Test
  void aJoinLeftUnfinishedIsDroppedOnceStale() {
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] pack = pack();
    j.offer("C.a", Arrays.copyOfRange(pack, 0, 1000), 0, ANY);
    j.offer("C.b", new byte[10], ChunkJoin.STALE_NANOS + 1, ANY);
    assertThat(j.openBytes()).isZero();
    // Its later chunk is then not a pack start: handed on, and refused as one there.
    byte[] rest = Arrays.copyOfRange(pack, 1000, pack.length);
    assertThat(j.offer("C.a", rest, ChunkJoin.STALE_NANOS + 2, ANY).pack()).isSameAs(rest);
  }

  @Test
  void aJoinThatGetsChunksStaysOpenAndIsDroppedOnlyWhenIdleThatLong() {
    ChunkJoin j = new ChunkJoin(h -> false);
    byte[] pack = pack();
    j.offer("C.a", Arrays.copyOfRange(pack, 0, 1000), 0, ANY);
    j.offer("C.a", Arrays.copyOfRange(pack, 1000, 2000), ChunkJoin.STALE_NANOS - 1, ANY);
    j.dropStale(ChunkJoin.STALE_NANOS + 10); // a minute after it opened, a moment after its last chunk
    assertThat(j.joining()).isOne();
    assertThat(j.offer("C.a", Arrays.copyOfRange(pack, 2000, pack.length), ChunkJoin.STALE_NANOS + 20, ANY).pack())
        .isEqualTo(pack);
    j.offer("C.b", Arrays.copyOfRange(pack, 0, 1000), 0, ANY);
    j.dropStale(ChunkJoin.STALE_NANOS + 1); // no chunk comes: dropped all the same
    assertThat(j.joining()).isZero();
    assertThat(j.openBytes()).isZero();
  }

  @Test
  void noJoinOpensPastItsMemoryOrTheCallersBudget() {
    byte[] pack = pack();
    byte[] first = Arrays.copyOfRange(pack, 0, 1000);
    assertThat(new ChunkJoin(h -> false, pack.length - 1).offer("C.a", first, 0, ANY).pack()).isSameAs(first);
    ChunkJoin j = new ChunkJoin(h -> false);
    assertThat(j.offer("C.a", first, 0, pack.length - 1).pack()).isSameAs(first);
    assertThat(j.offer("C.a", first, 0, pack.length).pending()).isTrue();
    j.drop("C.a");
    assertThat(j.openBytes()).isZero();
    assertThat(j.joining()).isZero();
  }
}
