package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Rgba;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.store.FileNames;
import dev.livelink.store.SceneStore;
import dev.livelink.store.StoreConflict;
import dev.livelink.wire.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/scenes/{id}/versions}: a patch stores the version a whole publish of its result would, tells the
 * receivers the same, and is refused (store unchanged) on a stale base or bad input.
 */
class PatchPublishTest {
  @TempDir Path homeA;
  @TempDir Path homeB;

  static ObjectNode node(String id, String parent, String mesh) {
    ObjectNode n = Json.object().put("id", id).put("name", id);
    if (parent != null) n.put("parent", parent);
    n.put("mesh", mesh);
    n.putArray("materials").addObject().put("name", "red").putArray("color").add(1).add(0).add(0).add(1);
    return n;
  }

  static ObjectNode scene(String name, ObjectNode... nodes) {
    ObjectNode s = Json.object().put("id", "doc").put("name", name).put("source", "test").put("units", "mm")
        .put("up", "Z");
    var a = s.putArray("nodes");
    for (ObjectNode n : nodes) a.add(n);
    return s;
  }

  static ObjectNode patch(int base, List<ObjectNode> upsert, String... remove) {
    ObjectNode o = Json.object().put("base", base);
    var u = o.putArray("upsert");
    upsert.forEach(u::add);
    var r = o.putArray("remove");
    for (String id : remove) r.add(id);
    return o;
  }

  /** The stored version file as a tree, without the time it was written. */
  static JsonNode stored(Path home, int version) throws Exception {
    Path f = home.resolve("store").resolve("scenes").resolve(FileNames.encode("doc")).resolve("v" + version + ".json");
    ObjectNode o = Json.parseObject(Files.readAllBytes(f));
    o.remove("time");
    return o;
  }

  static boolean storedExists(Path home, int version) {
    return Files.exists(home.resolve("store").resolve("scenes").resolve(FileNames.encode("doc"))
        .resolve("v" + version + ".json"));
  }

  @Test
  void patchStoresAndDeliversWhatAWholePublishWould() throws Exception {
    try (TestHub a = new TestHub(homeA); TestHub b = new TestHub(homeB)) {
      List<String> meshesA = new ArrayList<>();
      List<String> meshesB = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        meshesA.add(a.putBlob(TestHub.quad(i)));
        meshesB.add(b.putBlob(TestHub.quad(i)));
      }
      assertThat(meshesA).isEqualTo(meshesB);
      String m1 = meshesA.get(0);
      String m2 = meshesA.get(1);
      String m3 = meshesA.get(2);
      ObjectNode v1 = scene("Doc", node("a", null, m1), node("b", "a", m2), node("c", null, m1), node("e", "a", m2));
      String rxA = a.register("Blender", "a.blend", "receiver");
      String rxB = b.register("Blender", "a.blend", "receiver");
      try (TestHub.Events events = a.new Events(rxA)) {
        assertThat(a.call("POST", "/v1/scenes", HubHttpTest.publish(v1)).status()).isEqualTo(201);
        assertThat(b.call("POST", "/v1/scenes", HubHttpTest.publish(v1)).status()).isEqualTo(201);
        assertThat(events.next("version", d -> d.path("version").asInt() == 1, java.time.Duration.ofSeconds(20)))
            .isNotNull();

        // b moves to another mesh, c goes, f comes under b, the scene is renamed and set in metres.
        ObjectNode p = patch(1, List.of(node("b", "a", m3), node("f", "b", m1)), "c");
        p.put("name", "Renamed").put("units", "m");
        TestHub.Response patched = a.call("POST", "/v1/scenes/doc/versions", p);
        ObjectNode v2 = scene("Renamed", node("a", null, m1), node("b", "a", m3), node("e", "a", m2),
            node("f", "b", m1));
        v2.put("units", "m");
        TestHub.Response whole = b.call("POST", "/v1/scenes", HubHttpTest.publish(v2));

        assertThat(patched.status()).as(new String(patched.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(whole.status()).isEqualTo(201);
        assertThat(patched.json().get("version").asInt()).isEqualTo(2);
        assertThat(patched.json().get("delta")).isEqualTo(whole.json().get("delta"));
        assertThat(patched.json().get("delta").toString()).isEqualTo("{\"added\":1,\"changed\":1,\"removed\":1}");
        assertThat(patched.json().get("targets")).containsExactly(Json.MAPPER.valueToTree(rxA));
        assertThat(whole.json().get("targets")).containsExactly(Json.MAPPER.valueToTree(rxB));
        JsonNode event = events.next("version", d -> d.path("version").asInt() == 2, java.time.Duration.ofSeconds(20));
        assertThat(event).isNotNull();
        assertThat(event.get("scene").asText()).isEqualTo("doc");
      }
      // The same file on disk (but the time), the same deltas byte for byte, from the version before and from none.
      assertThat(stored(homeA, 2)).isEqualTo(stored(homeB, 2));
      assertThat(a.get("/v1/scenes/doc/delta?from=1").body()).isEqualTo(b.get("/v1/scenes/doc/delta?from=1").body());
      assertThat(a.get("/v1/scenes/doc/delta?from=0").body()).isEqualTo(b.get("/v1/scenes/doc/delta?from=0").body());
      JsonNode d = a.get("/v1/scenes/doc/delta?from=1").json();
      assertThat(d.get("removed").get(0).asText()).isEqualTo("c");
      assertThat(d.get("added").get(0).get("id").asText()).isEqualTo("f");
      assertThat(d.get("changed").get(0).get("fields").toString()).isEqualTo("[\"mesh\"]");

      // An empty patch is a new version like a whole re-send: nothing added, changed or removed.
      TestHub.Response again = a.call("POST", "/v1/scenes/doc/versions", patch(2, List.of()));
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.json().get("version").asInt()).isEqualTo(3);
      assertThat(again.json().get("delta").toString()).isEqualTo("{\"added\":0,\"changed\":0,\"removed\":0}");
    }
  }

  @Test
  void staleBaseIsA409NamingBothVersions() throws Exception {
    try (TestHub t = new TestHub(homeA)) {
      String m = t.putBlob(TestHub.quad(1));
      t.call("POST", "/v1/scenes", HubHttpTest.publish(scene("Doc", node("a", null, m))));
      t.call("POST", "/v1/scenes", HubHttpTest.publish(scene("Doc", node("a", null, m), node("b", null, m))));
      TestHub.Response r = t.call("POST", "/v1/scenes/doc/versions", patch(1, List.of(node("c", null, m))));
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.json().get("error").asText())
          .isEqualTo("scene \"doc\" is at version 2, not at version 1 the patch applies to: publish the whole scene");
      assertThat(storedExists(homeA, 3)).isFalse();
      assertThat(t.get("/v1/scenes").json().get("scenes").get(0).get("version").asInt()).isEqualTo(2);
    }
  }

  @Test
  void theStoreChecksTheBaseUnderItsLockSoARacingPublishWins() {
    try (SceneStore store = new SceneStore(homeB)) {
      Scene one = new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, List.of(sdkNode("a", null, 0)));
      Scene two = new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, List.of(sdkNode("a", null, 1)));
      store.publish(one, null, null);
      store.publish(two, null, null); // came in between the patch's check and its store
      assertThatThrownBy(() -> store.publish(one, null, null, 1)).isInstanceOf(StoreConflict.class)
          .hasMessage("scene \"doc\" is at version 2, not at version 1 the patch applies to: publish the whole scene");
      assertThat(store.latest("doc").number()).isEqualTo(2);
      assertThat(store.publish(one, null, null, 2).version().number()).isEqualTo(3);
    }
  }

  record Bad(String what, int status, String body, String message) {}

  @Test
  void eachBadPatchIsRefusedNamingItAndLeavesTheStoreAsItWas() throws Exception {
    try (TestHub t = new TestHub(homeA)) {
      String m = t.putBlob(TestHub.quad(1));
      String absent = "ab".repeat(32);
      t.call("POST", "/v1/scenes", HubHttpTest.publish(scene("Doc", node("a", null, m), node("b", "a", m))));
      JsonNode before = stored(homeA, 1);
      List<Bad> bad = List.of(
          new Bad("unknown removed node", 400, patch(1, List.of(), "zz").toString(),
              "patch of scene \"doc\": node \"zz\" to remove is not in version 1"),
          new Bad("parent missing after the patch", 400, patch(1, List.of(), "a").toString(),
              "patch of scene \"doc\" on version 1: node \"b\": parent \"a\" is not in the scene"),
          new Bad("parent that never was", 400, patch(1, List.of(node("c", "nope", m))).toString(),
              "patch of scene \"doc\" on version 1: node \"c\": parent \"nope\" is not in the scene"),
          new Bad("cycle", 400, patch(1, List.of(node("a", "b", m))).toString(),
              "patch of scene \"doc\" on version 1: node \"a\": its parents form a cycle a -> b -> a"),
          new Bad("missing blob", 409, patch(1, List.of(node("c", null, absent))).toString(),
              "1 mesh blob(s) are not on the hub: upload them first"),
          new Bad("malformed JSON", 400, "{\"base\": 1, \"upsert\": [", null),
          new Bad("no base", 400, "{\"upsert\": []}",
              "field \"base\" must be the version the patch applies to, a whole number"),
          new Bad("base not a number", 400, "{\"base\": \"1\"}",
              "field \"base\" must be the version the patch applies to, a whole number"),
          new Bad("base 0", 400, "{\"base\": 0}", "patch of scene \"doc\": base 0 is not a version (1 or more)"),
          new Bad("upsert not an array", 400, "{\"base\": 1, \"upsert\": {}}", "field \"upsert\" must be an array"),
          new Bad("remove holds a number", 400, "{\"base\": 1, \"remove\": [7]}",
              "field \"remove\" must hold node ids, not 7"),
          new Bad("upserted and removed", 400, patch(1, List.of(node("a", null, m)), "a").toString(),
              "patch of scene \"doc\": node \"a\" is both upserted and removed"),
          new Bad("upserted twice", 400, patch(1, List.of(node("c", null, m), node("c", null, m))).toString(),
              "patch of scene \"doc\": node \"c\" is upserted twice"),
          new Bad("node without id", 400, "{\"base\": 1, \"upsert\": [{\"name\": \"x\"}]}",
              "field \"id\" must be a string"),
          new Bad("bad units", 400, "{\"base\": 1, \"units\": \"parsec\"}",
              "unknown units \"parsec\" (expected mm, cm, m, in or ft)"),
          new Bad("unknown sender", 404, "{\"base\": 1, \"sender\": \"ghost\"}",
              "sender \"ghost\" is not a registered peer"));
      for (Bad b : bad) {
        TestHub.Response r = t.call("POST", "/v1/scenes/doc/versions", b.body().getBytes(StandardCharsets.UTF_8),
            t.hub.token());
        assertThat(r.status()).as(b.what()).isEqualTo(b.status());
        if (b.message() != null) {
          assertThat(r.json().get("error").asText()).as(b.what()).isEqualTo(b.message());
        } else {
          assertThat(r.json().get("error").asText()).as(b.what()).startsWith("malformed JSON");
        }
        if (b.what().equals("missing blob")) {
          assertThat(r.json().get("missing")).containsExactly(Json.MAPPER.valueToTree(absent));
        }
        assertThat(storedExists(homeA, 2)).as(b.what()).isFalse();
        assertThat(stored(homeA, 1)).as(b.what()).isEqualTo(before);
      }
      TestHub.Response none = t.call("POST", "/v1/scenes/other/versions", patch(1, List.of()));
      assertThat(none.status()).isEqualTo(404);
      assertThat(none.json().get("error").asText()).isEqualTo("no scene \"other\" to patch: publish it whole first");
      TestHub.Response noToken = t.call("POST", "/v1/scenes/doc/versions",
          Json.bytes(patch(1, List.of())), null);
      assertThat(noToken.status()).isEqualTo(401);
      assertThat(storedExists(homeA, 2)).isFalse();
    }
  }

  static Node sdkNode(String id, String mesh, double x) {
    return new Node(id, id, null, Transform.translation(x, 0, 0), mesh,
        List.of(new Material("red", new Rgba(1, 0, 0, 1), 0, 0.5)), true);
  }

  @Test
  void theSdkSendsAPatchWhenSmallerAndTheWholeSceneWhenItsBaseIsStale() throws Exception {
    try (TestHub t = new TestHub(homeA)) {
      String m = t.putBlob(TestHub.quad(1));
      LiveLinkClient c = new LiveLinkClient(t.hub.port(), t.hub.token());
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        nodes.add(sdkNode("n" + i, m, i));
      }
      c.publish(new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, nodes), List.of(), null);
      assertThat(c.lastPublishWasPatch()).isFalse();
      nodes.set(3, sdkNode("n3", m, 100));
      nodes.remove(7);
      nodes.add(sdkNode("new", m, 5));
      JsonNode r = c.publish(new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, nodes), List.of(), null);
      assertThat(c.lastPublishWasPatch()).isTrue();
      for (String metric : List.of("hub", "read", "store")) { // the Server-Timing of a whole publish
        assertThat(c.lastServerMillis(metric)).as(metric).isGreaterThanOrEqualTo(0);
      }
      assertThat(r.get("version").asInt()).isEqualTo(2);
      assertThat(r.get("delta").toString()).isEqualTo("{\"added\":1,\"changed\":1,\"removed\":1}");
      JsonNode v2 = stored(homeA, 2);

      // Someone else publishes version 3: the next patch (base 2) is refused and the whole scene goes instead.
      LiveLinkClient other = new LiveLinkClient(t.hub.port(), t.hub.token());
      other.publish(new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, List.of(sdkNode("x", m, 0))), List.of(),
          null);
      nodes.set(0, sdkNode("n0", m, -1));
      Scene mine = new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, nodes);
      r = c.publish(mine, List.of(), null);
      assertThat(c.lastPublishWasPatch()).isFalse();
      assertThat(r.get("version").asInt()).isEqualTo(4);
      assertThat(t.get("/v1/scenes/doc/download?format=manifest").json().get("scene"))
          .isEqualTo(dev.livelink.wire.SceneJson.write(mine));
      assertThat(v2.get("scene").get("nodes")).hasSize(20);

      // Nodes in another order cannot be a patch: whole.
      List<Node> swapped = new ArrayList<>(nodes);
      java.util.Collections.swap(swapped, 0, 1);
      c.publish(new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, swapped), List.of(), null);
      assertThat(c.lastPublishWasPatch()).isFalse();
    }
  }

  @Test
  void theSdkWritesAWholePublishWithItsSenderAndTargets() throws Exception {
    try (TestHub t = new TestHub(homeA)) {
      String m = t.putBlob(TestHub.quad(1));
      LiveLinkClient c = new LiveLinkClient(t.hub.port(), t.hub.token());
      String sender = c.register("FreeCAD", "1", "Doc", "sender", List.of());
      String rx = c.register("Blender", "1", "a.blend", "receiver", List.of());
      c.register("Blender", "1", "b.blend", "receiver", List.of());
      Scene s = new Scene("doc", "Doc \"quoted\"", "test", Units.MM, UpAxis.Z, List.of(sdkNode("n0", m, 1.5)));
      JsonNode r = c.publishWhole(s, List.of(rx), sender);
      assertThat(r.path("targets")).extracting(JsonNode::asText).containsExactly(rx);
      assertThat(t.get("/v1/scenes/doc/download?format=manifest").json().get("scene"))
          .isEqualTo(dev.livelink.wire.SceneJson.write(s));
    }
  }
}
