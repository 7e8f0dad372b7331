package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A first send's blobs cross as soon as they are uploaded: hub A puts them in packs before their version comes
 * ({@link Outgoing#ahead}), hub B keeps them as they are stored ({@link Prefetch}), and the version then needs no
 * fetch. Only good blobs are kept, and only by a hub with a receiver.
 */
class PrefetchTest extends TwoHubsTest {
  /** Six strips of ~300 KB: three to a pack, over what a version carries inline. */
  static List<MeshData> strips(int seed) {
    List<MeshData> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      out.add(BlobsTest.strip(12_500, seed + i));
    }
    return out;
  }

  /** A receiver on B, listed on A, and B following the object store for it: the receiver's events. */
  private FedHub.Events receiverOnB() throws Exception {
    String blender = b.register("Blender", "file.blend", "receiver");
    FedHub.Events events = b.events(blender);
    FederationTest.awaitRemotePeer(a, blender);
    b.awaitFederation(f -> f.path("prefetching").asBoolean());
    return events;
  }

  @Test
  void uploadedBlobsCrossBeforeTheirVersionWhichThenFetchesNothing() throws Exception {
    FedHub.Events events = receiverOnB();
    String freecad = a.register("FreeCAD", "Doc", "sender");

    List<String> hashes = a.putBlobs(strips(0));
    // Before any version: A put them, B holds them, each checked.
    assertThat(a.awaitFederation(f -> f.path("packsAhead").asInt() == 2).path("packsUploaded").asInt()).isEqualTo(2);
    b.awaitFederation(f -> f.path("blobsPrefetched").asInt() == 6);
    for (String h : hashes) {
      assertThat(Sha256.hex(b.blob(h))).isEqualTo(h);
    }

    Map<String, String> nodes = new LinkedHashMap<>();
    for (int i = 0; i < hashes.size(); i++) {
      nodes.put("Part" + i, hashes.get(i));
    }
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    JsonNode v = events.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
    assertThat(b.get("scenes/" + v.path("scene").asText() + "/delta?from=0").path("added")).hasSize(6);
    JsonNode bf = b.federation();
    assertThat(bf.path("packsFetched").asInt()).isZero();
    assertThat(bf.path("blobsFetched").asInt()).isZero();
    assertThat(a.federation().path("packsUploaded").asInt()).isEqualTo(2); // the version's send put nothing more
  }

  @Test
  void aBlobOverTheMessageLimitIsKeptFromItsChunksAndCrossesOnce() throws Exception {
    FedHub.Events events = receiverOnB();
    String freecad = a.register("FreeCAD", "Doc", "sender");
    a.events(a.register("Blender", "here.blend", "receiver")); // A follows the chunks too, its own among them
    a.awaitFederation(f -> f.path("prefetching").asBoolean());

    // 2.4 MB: a pack of its own in three chunks of the server's 1 MB messages; beside it a pack of one chunk.
    long in0 = b.federation().path("bytesIn").asLong();
    List<String> hashes = a.putBlobs(List.of(BlobsTest.strip(100_000, 7), BlobsTest.strip(12_500, 8)));
    b.awaitFederation(f -> f.path("blobsPrefetched").asInt() == 2);
    byte[] big = b.blob(hashes.get(0));
    assertThat(Sha256.hex(big)).isEqualTo(hashes.get(0));

    a.publish(FederationTest.scene("Big", Map.of("Casting", hashes.get(0), "Plate", hashes.get(1))), freecad, null);
    JsonNode v = events.next("version", d -> d.path("scene").asText().endsWith(":Big"));
    assertThat(b.get("scenes/" + v.path("scene").asText() + "/delta?from=0").path("added")).hasSize(2);
    JsonNode bf = b.federation();
    assertThat(bf.path("packsFetched").asInt()).isZero();
    assertThat(bf.path("packsPrefetchRefused").asInt()).isZero();
    // Its bytes came to B once (before, pushed and dropped, then fetched: twice), with the peers' heartbeats.
    assertThat(bf.path("bytesIn").asLong() - in0).isBetween((long) big.length, big.length * 3L / 2);
    // A's own chunks, pushed back to it, are passed over, not counted as refused (the blob is A's).
    assertThat(a.federation().path("packsPrefetchRefused").asInt()).isZero();
  }

  @Test
  void aPackWithABadBlobIsNotKept() throws Exception {
    String blender = b.register("Blender", "file.blend", "receiver");
    b.events(blender);
    b.awaitFederation(f -> f.path("prefetching").asBoolean());
    String hash = Sha256.hex(MeshBlob.encode(BlobsTest.strip(12_500, 40)));
    byte[] other = MeshBlob.encode(BlobsTest.strip(12_500, 41));
    String otherHash = Sha256.hex(other);
    try (Connection c = Nats.connect(nats.url())) {
      // Other bytes under the first blob's hash, then a good blob: the whole pack is refused.
      c.objectStore(new Subjects("test").blobsBucket()).put(ObjectMeta.builder("pack-bad").chunkSize(1 << 20)
          .build(), new ByteArrayInputStream(BlobBatch.encode(List.of(new BlobBatch.Frame(hash, other),
          new BlobBatch.Frame(otherHash, other))))); // one chunk, as a hub puts its packs
    }
    JsonNode bf = b.awaitFederation(f -> f.path("packsPrefetchRefused").asInt() == 1);
    assertThat(bf.path("blobsPrefetched").asInt()).isZero();
    assertThat(b.blob(hash)).isNull();
    assertThat(b.blob(otherHash)).isNull();
    assertThat(bf.path("ready").asBoolean()).isTrue();
  }

  @Test
  void onlyAHubWithAReceiverTakesPacksAheadAndOnlyForAReceiverElsewhereAreTheyPut() throws Exception {
    String freecad = a.register("FreeCAD", "Doc", "sender");
    a.putBlobs(strips(100)); // no receiver anywhere: nothing goes ahead
    a.publish(FederationTest.scene("Early", Map.of("Part", a.putBlob(FederationTest.box(3)))), freecad, null);
    a.awaitFederation(f -> f.path("sent").asInt() == 1); // after anything queued before it on the sending thread
    assertThat(a.federation().path("packsAhead").asInt()).isZero();

    // A receiver on a third machine; none on B: A puts ahead, B does not keep, and fetches for the version.
    FederationTest.announceFakeHub(nats, "0000feedf00d", "blender-else0001");
    FederationTest.awaitRemotePeer(a, "blender-else0001");
    // Announced again just before the upload: an entry not refreshed within the bucket's max age (6 s here) expires.
    FederationTest.announceFakeHub(nats, "0000feedf00d", "blender-else0001");
    List<String> hashes = a.putBlobs(strips(200));
    a.awaitFederation(f -> f.path("packsAhead").asInt() == 2);
    Map<String, String> nodes = new LinkedHashMap<>();
    for (int i = 0; i < hashes.size(); i++) {
      nodes.put("Part" + i, hashes.get(i));
    }
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    JsonNode bf = b.awaitFederation(f -> f.path("received").asInt() == 2);
    assertThat(bf.path("prefetching").asBoolean()).isFalse();
    assertThat(bf.path("blobsPrefetched").asInt()).isZero();
    assertThat(bf.path("packsFetched").asInt()).isEqualTo(2);
  }
}
