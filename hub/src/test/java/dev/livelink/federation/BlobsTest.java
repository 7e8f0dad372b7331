package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a version's blobs are packed for the space, without NATS; and the version message that names the packs. */
class BlobsTest {
  @TempDir Path tmp;
  final Blobs blobs = new Blobs(1L << 30);

  @AfterEach
  void close() {
    blobs.close();
  }

  /** A strip of {@code vertices} vertices: about 12 bytes a vertex in its blob. */
  static MeshData strip(int vertices, float z) {
    float[] p = new float[3 * vertices];
    for (int i = 0; i < vertices; i++) {
      p[3 * i] = i;
      p[3 * i + 1] = i % 2;
      p[3 * i + 2] = z;
    }
    int[] t = new int[3 * (vertices - 2)];
    for (int i = 0; i < vertices - 2; i++) {
      t[3 * i] = i;
      t[3 * i + 1] = i + 1;
      t[3 * i + 2] = i + 2;
    }
    return new MeshData(p, t, null, null);
  }

  static VersionMessage message(List<String> hashes) {
    ObjectNode scene = Json.object().put("id", "Doc");
    return new VersionMessage("0a1b2c3d4e5f", "machine-a", scene, 1, null, null, hashes, List.of(), Json.object(),
        0);
  }

  List<String> store(BlobStore store, MeshData... meshes) {
    List<String> hashes = new ArrayList<>();
    for (MeshData m : meshes) {
      byte[] b = MeshBlob.encode(m);
      store.put(Sha256.hex(b), b);
      hashes.add(Sha256.hex(b));
    }
    return hashes;
  }

  @Test
  void aFirstSendIsAFewPacksOfAtMostTheLimitAndABigBlobHasOneOfItsOwn() throws Exception {
    BlobStore store = new BlobStore(tmp.resolve("blobs"));
    List<MeshData> meshes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      meshes.add(strip(700, i)); // ~17 KB each
    }
    meshes.add(strip(40_000, 99)); // ~1 MB: over a pack of 256 KB
    List<String> hashes = store(store, meshes.toArray(new MeshData[0]));
    Blobs.Plan plan = blobs.plan(message(hashes), store, 256 << 10);

    assertThat(plan.inline()).isNull();
    assertThat(plan.fresh()).hasSizeBetween(4, 5);
    List<String> packed = new ArrayList<>();
    for (Blobs.NewPack p : plan.fresh()) {
      assertThat(p.name()).startsWith("pack-");
      List<String> inIt = new ArrayList<>();
      BlobBatch.Reader r = BlobBatch.reader(new ByteArrayInputStream(p.data()), p.data().length);
      for (BlobBatch.Frame f; (f = r.next()) != null; ) {
        assertThat(Sha256.hex(f.data())).isEqualTo(f.hash());
        inIt.add(f.hash());
      }
      assertThat(inIt).isEqualTo(p.hashes());
      assertThat(p.data().length <= 256 << 10 || p.hashes().size() == 1).as(p.name()).isTrue();
      packed.addAll(inIt);
    }
    assertThat(packed).containsExactlyElementsOf(hashes);
    assertThat(plan.fresh().get(plan.fresh().size() - 1).hashes()).containsExactly(hashes.get(40));
    assertThat(plan.packs()).extracting(VersionMessage.Pack::name)
        .containsExactlyElementsOf(plan.fresh().stream().map(Blobs.NewPack::name).toList());
  }

  @Test
  void anEditsFewNewBlobsTravelInlineAndKnownOnesAreNamedByTheirPack() throws Exception {
    BlobStore store = new BlobStore(tmp.resolve("blobs"));
    List<String> first = store(store, strip(1200, 1), strip(1200, 2), strip(1200, 3), strip(1200, 4));
    Blobs.Plan p1 = blobs.plan(message(first), store, 64 << 10);
    assertThat(p1.fresh()).hasSize(2);

    // What was put is located; a new version with one new part names the old packs and carries one blob inline.
    blobs.locate(p1.fresh());
    List<String> second = new ArrayList<>(first);
    second.set(2, store(store, strip(100, 5)).get(0));
    Blobs.Plan p2 = blobs.plan(message(second), store, 64 << 10);
    assertThat(p2.fresh()).isEmpty();
    assertThat(p2.inline().hashes()).containsExactly(second.get(2));
    assertThat(p2.packs()).hasSize(3);
    assertThat(message(second).withPacks(p2.packs()).packOf())
        .containsEntry(first.get(0), p1.fresh().get(0).name()).containsEntry(second.get(2), p2.inline().name());
  }

  @Test
  void aBlobNoLongerOnTheHubIsNamedInTheError() {
    BlobStore store = new BlobStore(tmp.resolve("blobs"));
    String gone = "ab".repeat(32);
    assertThatThrownBy(() -> blobs.plan(message(List.of(gone)), store, 1 << 20))
        .isInstanceOf(FederationException.class)
        .hasMessage("blob " + gone + " is no longer on this hub (its versions were dropped)");
  }

  @Test
  void theVersionMessageCarriesItsPacksAsIndexesOfItsBlobs() {
    String h1 = "11".repeat(32);
    String h2 = "22".repeat(32);
    String pack = "pack-" + "33".repeat(32);
    VersionMessage m = message(List.of(h1, h2)).withPacks(List.of(new VersionMessage.Pack(pack, List.of(h2, h1))));
    VersionMessage back = VersionMessage.decode(m.encode());
    assertThat(back.packs()).containsExactly(new VersionMessage.Pack(pack, List.of(h2, h1)));
    assertThat(VersionMessage.decode(m.json()).packs()).isEqualTo(back.packs()); // the outbox's plain JSON
    assertThat(new String(m.json(), StandardCharsets.UTF_8)).contains("\"blobs\":[1,0]");
  }

  @Test
  void aPackNamingABlobOutsideTheVersionIsRefused() {
    ObjectNode o = Json.parseObject(message(List.of("11".repeat(32))).json());
    o.putArray("packs").addObject().put("name", "pack-" + "33".repeat(32)).putArray("blobs").add(1);
    assertThatThrownBy(() -> VersionMessage.decode(Json.bytes(o)))
        .isInstanceOf(FederationException.class)
        .hasMessage("pack pack-" + "33".repeat(32) + " names blob 1, not an index of \"blobs\"");
    o.putArray("packs").addObject().put("name", "blobs-of-mine").putArray("blobs").add(0);
    assertThatThrownBy(() -> VersionMessage.decode(Json.bytes(o)))
        .hasMessage("pack name \"blobs-of-mine\" is not pack-<sha256>");
  }
}
