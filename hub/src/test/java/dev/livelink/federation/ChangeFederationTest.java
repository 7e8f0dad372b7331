package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A version carries what changed since the version before it on its hub: a hub that took that version builds the
 * new one from the change (without reading the whole manifest), any other reads the manifest, and both end at the
 * very scene the sending hub stored.
 */
class ChangeFederationTest extends TwoHubsTest {
  String freecad;
  String blender;
  FedHub.Events events;

  @BeforeEach
  void registerPeers() throws Exception {
    blender = b.register("Blender", "file.blend", "receiver");
    events = b.events(blender);
    freecad = a.register("FreeCAD", "Doc", "sender");
    FederationTest.awaitRemotePeer(a, blender);
  }

  /** Four parts, each with a mesh of its own; the first crosses whole. @return B's id of the scene */
  private String firstVersion(Map<String, String> nodes) throws Exception {
    for (int i = 1; i <= 4; i++) {
      nodes.put("Part" + i, a.putBlob(FederationTest.box(i)));
    }
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    String id = events.next("version", d -> d.path("scene").asText().endsWith(":Doc")).path("scene").asText();
    assertThat(b.federation().path("receivedAsChange").asInt()).isZero();
    return id;
  }

  private JsonNode nextVersion(String id, int version) throws InterruptedException {
    return events.next("version", d -> d.path("scene").asText().equals(id) && d.path("version").asInt() == version);
  }

  /** B's version of the scene holds the same nodes, in the same order, as A's latest. */
  private void assertSameScene(String id) throws Exception {
    JsonNode mine = a.get("scenes/Doc/delta?from=0");
    JsonNode theirs = b.get("scenes/" + id + "/delta?from=0");
    assertThat(theirs.path("added")).isEqualTo(mine.path("added"));
    assertThat(theirs.path("added")).isNotEmpty();
  }

  @Test
  void aOneNodeEditCrossesAsItsChangeAndTheReceiverGetsTheRightDelta() throws Exception {
    Map<String, String> nodes = new LinkedHashMap<>();
    String id = firstVersion(nodes);

    String edited = a.putBlob(FederationTest.box(10));
    nodes.put("Part3", edited);
    a.publish(FederationTest.scene("Doc", nodes), freecad, null); // whole: A finds the one node that changed
    nextVersion(id, 2);
    assertThat(b.federation().path("receivedAsChange").asInt()).isEqualTo(1);
    JsonNode delta = b.get("scenes/" + id + "/delta?from=1");
    assertThat(delta.path("added")).isEmpty();
    assertThat(delta.path("removed")).isEmpty();
    assertThat(delta.path("changed")).hasSize(1);
    assertThat(delta.path("changed").get(0).path("node").path("id").asText()).isEqualTo("Part3");
    assertThat(delta.path("changed").get(0).path("node").path("mesh").asText()).isEqualTo(edited);
    assertThat(b.blob(edited)).isNotEmpty();
    assertSameScene(id);

    // A patch on A (a part gone, one new): the same change crosses.
    String added = a.putBlob(FederationTest.box(11));
    ObjectNode part5 = (ObjectNode) FederationTest.scene("Doc", Map.of("Part5", added)).path("nodes").get(0);
    ObjectNode patch = Json.object().put("base", 2).put("sender", freecad);
    patch.putArray("upsert").add(part5);
    patch.putArray("remove").add("Part1");
    a.post("scenes/Doc/versions", patch);
    nextVersion(id, 3);
    assertThat(b.federation().path("receivedAsChange").asInt()).isEqualTo(2);
    JsonNode d3 = b.get("scenes/" + id + "/delta?from=2");
    assertThat(d3.path("removed")).hasSize(1);
    assertThat(d3.path("removed").get(0).asText()).isEqualTo("Part1");
    assertThat(d3.path("added")).hasSize(1);
    assertThat(d3.path("added").get(0).path("mesh").asText()).isEqualTo(added);
    assertSameScene(id);
  }

  @Test
  void aHubThatMissedVersionsReadsTheLatestWhole() throws Exception {
    Map<String, String> nodes = new LinkedHashMap<>();
    String id = firstVersion(nodes);

    b.stop();
    nodes.put("Part2", a.putBlob(FederationTest.box(20)));
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    nodes.put("Part4", a.putBlob(FederationTest.box(21)));
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    a.awaitFederation(f -> f.path("sent").asInt() >= 3); // on the stream, which keeps the latest: version 3
    b.start();

    // Version 3 carries its change from version 2, which B never took: B reads the manifest.
    JsonNode f = b.awaitFederation(s -> s.path("received").asInt() >= 1);
    assertThat(f.path("receivedAsChange").asInt()).isZero();
    assertThat(b.get("scenes/" + id + "/delta?from=0").path("to").asInt()).isEqualTo(2);
    assertSameScene(id);
    JsonNode delta = b.get("scenes/" + id + "/delta?from=1");
    assertThat(delta.path("changed")).extracting(c -> c.path("node").path("id").asText())
        .containsExactlyInAnyOrder("Part2", "Part4");
  }

  @Test
  void aChangeThatDoesNotApplyIsLeftForTheManifest() throws Exception {
    Map<String, String> nodes = new LinkedHashMap<>();
    String id = firstVersion(nodes);
    nodes.put("Part1", a.putBlob(FederationTest.box(30)));
    a.publish(FederationTest.scene("Doc", nodes), freecad, null);
    nextVersion(id, 2);
    assertThat(b.federation().path("receivedAsChange").asInt()).isEqualTo(1);
    String hubA = a.federation().path("hub").asText();

    try (Connection c = Nats.connect(nats.url())) {
      // Version 3 of A, on the version B took, whose change removes a part the scene lacks.
      Map<String, String> v3 = new LinkedHashMap<>(nodes);
      v3.put("Part2", nodes.get("Part3"));
      ObjectNode gone = Json.object().put("base", 2);
      gone.putArray("upsert").add(FederationTest.scene("Doc", v3).path("nodes").get(1));
      gone.putArray("remove").add("Nope");
      publish(c, hubA, 3, v3, gone);
      nextVersion(id, 3);
      assertThat(b.federation().path("receivedAsChange").asInt()).isEqualTo(1);
      assertThat(b.get("scenes/" + id + "/delta?from=2").path("changed")).extracting(n -> n.path("node")
          .path("mesh").asText()).containsExactly(nodes.get("Part3"));

      // Version 4 on version 2, which B no longer holds as its latest: the manifest again.
      Map<String, String> v4 = new LinkedHashMap<>(v3);
      v4.put("Part4", nodes.get("Part1"));
      ObjectNode stale = Json.object().put("base", 2);
      stale.putArray("upsert").add(FederationTest.scene("Doc", v4).path("nodes").get(3));
      stale.putArray("remove");
      publish(c, hubA, 4, v4, stale);
      nextVersion(id, 4);
      // Version 5, whose change applies but names other blobs than the message: the manifest wins.
      Map<String, String> v5 = new LinkedHashMap<>(v4);
      v5.put("Part3", nodes.get("Part4"));
      ObjectNode lying = Json.object().put("base", 4);
      lying.putArray("upsert").add(FederationTest.scene("Doc", v5).path("nodes").get(0)); // Part1, unchanged
      publish(c, hubA, 5, v5, lying);
      nextVersion(id, 5);
      assertThat(b.federation().path("receivedAsChange").asInt()).isEqualTo(1);
      assertThat(b.get("scenes/" + id + "/delta?from=0").path("added"))
          .extracting(n -> n.path("id").asText() + "=" + n.path("mesh").asText())
          .containsExactlyElementsOf(v5.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
  }

  /** A version of {@code hub} put on the stream as that hub would, with the given change. */
  private static void publish(Connection c, String hub, int version, Map<String, String> nodes, ObjectNode change)
      throws Exception {
    ObjectNode scene = FederationTest.scene("Doc", nodes);
    VersionMessage m = new VersionMessage(hub, "machine-a", scene, version, null, null,
        List.copyOf(new TreeSet<>(nodes.values())), List.of(), Json.object(), change, System.currentTimeMillis(),
        null);
    c.jetStream().publish(new Subjects("test").scene(hub, "Doc"), m.encode());
  }
}
