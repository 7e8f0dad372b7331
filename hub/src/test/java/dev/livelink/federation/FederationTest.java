package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two hubs on one real nats-server, standing in for two machines ("machine-a", "machine-b"): a version published on
 * A reaches B's receiver with its blobs checked, and B's ack comes back to A's sender; then the faults.
 */
class FederationTest extends TwoHubsTest {
  static MeshData box(float size) {
    return new MeshData(new float[] {0, 0, 0, size, 0, 0, size, size, 0, 0, size, size},
        new int[] {0, 1, 2, 0, 2, 3}, null, null);
  }

  /** A scene in millimetres whose nodes are {@code id → mesh hash}, each coloured. */
  static ObjectNode scene(String id, Map<String, String> nodes) {
    ObjectNode s = Json.object().put("id", id).put("name", id).put("source", "FreeCAD test").put("units", "mm")
        .put("up", "Z");
    ArrayNode a = s.putArray("nodes");
    int i = 0;
    for (Map.Entry<String, String> n : nodes.entrySet()) {
      ObjectNode node = a.addObject().put("id", n.getKey()).put("name", n.getKey()).put("mesh", n.getValue());
      node.putArray("materials").addObject().put("name", "c" + i).put("metallic", 0.0).put("roughness", 0.5)
          .putArray("color").add(i == 0 ? 0.8 : 0.1).add(0.2).add(i == 0 ? 0.1 : 0.9).add(1.0);
      i++;
    }
    return s;
  }

  /** Waits until {@code on} lists a remote peer with this id. */
  static JsonNode awaitRemotePeer(FedHub on, String id) throws Exception {
    long deadline = System.nanoTime() + FedHub.WATCHDOG.toNanos();
    while (true) {
      for (JsonNode p : on.get("peers").path("peers")) {
        if (p.path("id").asText().equals(id)) {
          return p;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("peer " + id + " never listed: " + on.get("peers"));
      }
      Thread.sleep(20); // polling the other hub's list, bounded by the watchdog
    }
  }

  @Test
  void aVersionFromAReachesBsReceiverAndTheAckComesBack() throws Exception {
    String blender = b.register("Blender", "file.blend", "both");
    FedHub.Events blenderEvents = b.events(blender);
    String freecad = a.register("FreeCAD", "Unnamed", "sender");
    FedHub.Events freecadEvents = a.events(freecad);
    JsonNode listed = awaitRemotePeer(a, blender);
    assertThat(listed.path("host").asText()).isEqualTo("machine-b");
    assertThat(listed.path("remote").asBoolean()).isTrue();
    assertThat(listed.path("app").asText()).isEqualTo("Blender");

    String h1 = a.putBlob(box(10));
    String h2 = a.putBlob(box(20));
    Map<String, String> nodes = new LinkedHashMap<>(Map.of("Box", h1));
    nodes.put("Cylinder", h2);
    JsonNode published = a.publish(scene("Unnamed", nodes), freecad, null);
    assertThat(published.path("targets").toString()).contains(blender);

    JsonNode version = blenderEvents.next("version", d -> d.path("name").asText().equals("Unnamed"));
    String localId = version.path("scene").asText();
    assertThat(localId).endsWith(":Unnamed").isNotEqualTo("Unnamed");
    JsonNode delta = b.get("scenes/" + localId + "/delta?from=0");
    assertThat(delta.path("scene").path("units").asText()).isEqualTo("mm");
    assertThat(delta.path("added")).hasSize(2);
    assertThat(delta.path("added").get(0).path("materials").get(0).path("color").get(0).asDouble()).isEqualTo(0.8);
    assertThat(Sha256.hex(b.blob(h1))).isEqualTo(h1);
    assertThat(b.blob(h2)).isEqualTo(MeshBlob.encode(box(20)));

    b.ack(localId, version.path("version").asInt(), blender, "ok");
    JsonNode ack = freecadEvents.next("ack", d -> d.path("peer").asText().equals(blender));
    assertThat(ack.path("status").asText()).isEqualTo("ok");
    assertThat(ack.path("scene").asText()).isEqualTo("Unnamed");
    assertThat(ack.path("host").asText()).isEqualTo("machine-b");
    assertThat(ack.path("timings").path("build_ms").asDouble()).isEqualTo(2.5);
    JsonNode acks = a.get("scenes/Unnamed/versions/" + published.path("version").asInt() + "/acks?wait=10000");
    assertThat(acks.path("complete").asBoolean()).isTrue();

    // A one-part edit crosses as one blob, inside the version's message.
    long upBefore = a.federation().path("blobsUploaded").asLong();
    long inBefore = b.federation().path("blobsFetched").asLong() + b.federation().path("blobsPrefetched").asLong();
    long packsBefore = b.federation().path("packsFetched").asLong();
    String h3 = a.putBlob(box(30));
    nodes.put("Cylinder", h3);
    a.publish(scene("Unnamed", nodes), freecad, null);
    JsonNode v2 = blenderEvents.next("version", d -> d.path("scene").asText().equals(localId));
    assertThat(v2.path("version").asInt()).isEqualTo(2);
    // A puts the edit's pack while the version is on its way: its count may move after B told its receiver.
    JsonNode af = a.awaitFederation(f -> f.path("blobsUploaded").asLong() > upBefore);
    assertThat(af.path("blobsUploaded").asLong() - upBefore).isEqualTo(1);
    // Taken from the message (an edit's pack is not taken ahead, see Prefetch), no pack fetched.
    JsonNode bf = b.federation();
    assertThat(bf.path("blobsFetched").asLong() + bf.path("blobsPrefetched").asLong() - inBefore).isEqualTo(1);
    assertThat(bf.path("packsFetched").asLong()).isEqualTo(packsBefore);
    assertThat(Sha256.hex(b.blob(h3))).isEqualTo(h3);
    JsonNode d2 = b.get("scenes/" + localId + "/delta?from=1");
    assertThat(d2.path("changed")).hasSize(1);
    assertThat(d2.path("changed").get(0).path("node").path("mesh").asText()).isEqualTo(h3);
  }

  @Test
  void aHubFetchesOnlyThePacksHoldingBlobsItLacks() throws Exception {
    // Hub B has no receiver, so it takes no pack ahead of its version (see PrefetchTest): it fetches what it lacks.
    String freecad = a.register("FreeCAD", "Doc", "sender");
    Map<String, MeshData> meshes = new TreeMap<>(); // by hash: the order a version lists and packs its blobs in
    for (int i = 0; i < 6; i++) {
      MeshData m = BlobsTest.strip(12_500, i); // ~300 KB each: three to a pack of 1 MB
      meshes.put(a.putBlob(m), m);
    }
    List<String> hashes = new ArrayList<>(meshes.keySet());
    for (String h : hashes.subList(0, 3)) {
      b.putBlob(meshes.get(h)); // B holds what the first pack holds
    }
    Map<String, String> nodes = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      nodes.put("Part" + i, hashes.get(i));
    }
    a.publish(scene("Doc", nodes), freecad, null);
    JsonNode bf = b.awaitFederation(f -> f.path("received").asInt() == 1);
    assertThat(bf.path("prefetching").asBoolean()).isFalse();
    assertThat(a.federation().path("packsUploaded").asInt()).isEqualTo(2);
    assertThat(b.federation().path("packsFetched").asInt()).isEqualTo(1);
    assertThat(b.federation().path("blobsFetched").asInt()).isEqualTo(3);
    for (String h : hashes) {
      assertThat(Sha256.hex(b.blob(h))).isEqualTo(h);
    }
  }

  @Test
  void twoUnnamedDocumentsOnTwoMachinesStayTwoScenes() throws Exception {
    String blenderA = a.register("Blender", "a.blend", "receiver");
    FedHub.Events eventsA = a.events(blenderA);
    String freecadA = a.register("FreeCAD", "Unnamed", "sender");
    String freecadB = b.register("FreeCAD", "Unnamed", "sender");
    awaitRemotePeer(b, blenderA);
    a.publish(scene("Unnamed", Map.of("Box", a.putBlob(box(1)))), freecadA, null);
    b.publish(scene("Unnamed", Map.of("Box", b.putBlob(box(2)))), freecadB, null);
    JsonNode local = eventsA.next("version", d -> d.path("scene").asText().equals("Unnamed"));
    JsonNode remote = eventsA.next("version", d -> d.path("scene").asText().endsWith(":Unnamed"));
    assertThat(local.path("version").asInt()).isEqualTo(1);
    assertThat(remote.path("version").asInt()).isEqualTo(1);
    assertThat(a.get("scenes").path("scenes")).hasSize(2);
  }

  @Test
  void aHubThatWasAwayCatchesUpWithTheLatestVersion() throws Exception {
    String freecad = a.register("FreeCAD", "Doc", "sender");
    b.register("Blender", "file.blend", "both"); // B has been in the space: its durable consumer exists
    b.stop();
    a.publish(scene("Doc", Map.of("Box", a.putBlob(box(1)))), freecad, null);
    a.publish(scene("Doc", Map.of("Box", a.putBlob(box(2)))), freecad, null);
    a.awaitFederation(f -> f.path("outbox").asInt() == 0 && f.path("sent").asInt() == 2);

    b.start();
    String blender = b.register("Blender", "file.blend", "both");
    FedHub.Events events = b.events(blender);
    JsonNode v = events.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
    JsonNode delta = b.get("scenes/" + v.path("scene").asText() + "/delta?from=0");
    assertThat(delta.path("added").get(0).path("mesh").asText()).isEqualTo(Sha256.hex(MeshBlob.encode(box(2))));
  }

  @Test
  void bothHubsReconnectAfterNatsRestartsAndTheOutboxGoesOut() throws Exception {
    String blender = b.register("Blender", "file.blend", "both");
    FedHub.Events events = b.events(blender);
    String freecad = a.register("FreeCAD", "Doc", "sender");
    awaitRemotePeer(a, blender);
    nats.stop();
    a.awaitFederation(f -> !f.path("ready").asBoolean());
    b.awaitFederation(f -> !f.path("ready").asBoolean());
    assertThat(a.federation().path("state").asText()).isIn("disconnected", "connecting");

    a.publish(scene("Doc", Map.of("Box", a.putBlob(box(3)))), freecad, null); // local linking keeps working
    assertThat(a.federation().path("outbox").asInt()).isEqualTo(1);
    assertThat(a.home.resolve("federation/outbox").toFile().list()).containsExactly("0000000000000000000.msg");

    nats.start();
    a.awaitFederation(f -> f.path("ready").asBoolean() && f.path("outbox").asInt() == 0);
    b.awaitFederation(f -> f.path("ready").asBoolean());
    JsonNode v = events.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
    assertThat(v.path("version").asInt()).isEqualTo(1);
  }

  @Test
  void aTamperedBlobIsRefusedAndAckedFailed() throws Exception {
    String freecad = a.register("FreeCAD", "Doc", "sender");
    FedHub.Events freecadEvents = a.events(freecad);
    announceFakeHub("0000feedf00d", "blender-else0001");
    awaitRemotePeer(a, "blender-else0001");
    String hash = a.putBlob(box(7));
    // Sent to another machine's Blender: A puts the blob's pack, B does not take it.
    a.publish(scene("Doc", Map.of("Box", hash)), freecad, List.of("blender-else0001"));
    a.awaitFederation(f -> f.path("sent").asInt() == 1);
    try (Connection c = Nats.connect(nats.url())) {
      ObjectStore os = c.objectStore(new Subjects("test").blobsBucket());
      String pack = onlyPack(os);
      // Other bytes under the blob's hash, in the pack A will name again.
      os.put(pack, BlobBatch.encode(List.of(new BlobBatch.Frame(hash, MeshBlob.encode(box(8))))));
    }
    // B's receiver only now: B took no pack ahead of its version (a hub without receivers does not), and fetches.
    String blender = b.register("Blender", "file.blend", "both");
    b.events(blender);
    awaitRemotePeer(a, blender);
    a.publish(scene("Other", Map.of("Box", hash)), freecad, null);
    JsonNode ack = freecadEvents.next("ack", d -> d.path("peer").asText().equals(blender));
    assertThat(ack.path("status").asText()).isEqualTo("failed");
    assertThat(ack.path("reason").asText()).contains(hash).contains("hashes to");
    assertThat(b.blob(hash)).isNull();
    assertThat(b.federation().path("blobsRefused").asInt()).isEqualTo(1);
    assertThat(b.federation().path("lastError").asText()).contains(hash);
  }

  /** The name of the one pack in the object store. */
  static String onlyPack(ObjectStore os) throws Exception {
    List<String> packs = os.getList().stream().map(i -> i.getObjectName()).filter(n -> n.startsWith("pack-"))
        .toList();
    assertThat(packs).hasSize(1);
    return packs.get(0);
  }

  @Test
  void aTargetedVersionGoesOnlyToItsRemoteTarget() throws Exception {
    String blender1 = b.register("Blender", "one.blend", "both");
    String blender2 = b.register("Blender", "two.blend", "both");
    FedHub.Events e1 = b.events(blender1);
    FedHub.Events e2 = b.events(blender2);
    String freecad = a.register("FreeCAD", "Doc", "sender");
    awaitRemotePeer(a, blender2);
    JsonNode p = a.publish(scene("Doc", Map.of("Box", a.putBlob(box(4)))), freecad, List.of(blender2));
    assertThat(p.path("targets").toString()).contains(blender2).doesNotContain(blender1);
    JsonNode v = e2.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
    assertThat(v.path("version").asInt()).isEqualTo(1);
    assertThat(e1.queue.stream().noneMatch(e -> e.path("event").asText().equals("version"))).isTrue();
  }

  @Test
  void aVersionWhoseBlobsNeverArriveIsAckedFailed() throws Exception {
    String freecad = a.register("FreeCAD", "Doc", "sender");
    FedHub.Events freecadEvents = a.events(freecad);
    announceFakeHub("0000feedf00d", "blender-else0001");
    awaitRemotePeer(a, "blender-else0001");
    String hash = a.putBlob(box(5));
    // Sent to another machine's Blender: A uploads the blob to the object store, B does not take it.
    a.publish(scene("Doc", Map.of("Box", hash)), freecad, List.of("blender-else0001"));
    a.awaitFederation(f -> f.path("sent").asInt() == 1);
    String pack;
    try (Connection c = Nats.connect(nats.url())) {
      ObjectStore os = c.objectStore(new Subjects("test").blobsBucket());
      pack = onlyPack(os);
      os.delete(pack); // gone from the space, A still thinks not
    }
    String blender = b.register("Blender", "file.blend", "both"); // only now: B took no pack ahead (see above)
    b.events(blender);
    awaitRemotePeer(a, blender);
    a.publish(scene("Other", Map.of("Box", hash)), freecad, null);
    JsonNode ack = freecadEvents.next("ack", d -> d.path("scene").asText().equals("Other"));
    assertThat(ack.path("status").asText()).isEqualTo("failed");
    assertThat(ack.path("reason").asText())
        .isEqualTo("pack " + pack + " holding blob " + hash + " is not in the space's object store");
  }

  /** Puts a hub's entry in the peers bucket as a hub on "crashed-pc" would, once, and never again. */
  void announceFakeHub(String hub, String blender) throws Exception {
    announceFakeHub(nats, hub, blender);
  }

  static void announceFakeHub(NatsServer nats, String hub, String blender) throws Exception {
    try (Connection c = Nats.connect(nats.url())) {
      ObjectNode peer = Json.object().put("id", blender).put("app", "Blender").put("role", "both")
          .put("document", "x.blend");
      ObjectNode entry = Json.object().put("hub", hub).put("host", "crashed-pc");
      entry.putArray("peers").add(peer);
      c.keyValue(new Subjects("test").peersBucket()).put(hub, Json.bytes(entry));
    }
  }

  @Test
  void aDeadHubsPeersDisappearWhenItsEntryExpires() throws Exception {
    announceFakeHub("0000deadbeef", "blender-dead0001");
    assertThat(awaitRemotePeer(a, "blender-dead0001").path("host").asText()).isEqualTo("crashed-pc");
    long deadline = System.nanoTime() + FedHub.WATCHDOG.toNanos();
    while (a.get("peers").toString().contains("blender-dead0001")) {
      assertThat(System.nanoTime()).as("the dead hub's peer is still listed").isLessThan(deadline);
      Thread.sleep(50); // the entry ages out after the bucket's max age (6 s here); polled with a watchdog
    }
  }
}
