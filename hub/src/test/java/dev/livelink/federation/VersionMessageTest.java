package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The version message with the scene's bytes as the store wrote them, and when it is gzipped. */
class VersionMessageTest {
  static ObjectNode scene(int nodes) {
    ObjectNode s = Json.object().put("id", "Doc").put("name", "Doc").put("units", "mm");
    ArrayNode a = s.putArray("nodes");
    for (int i = 0; i < nodes; i++) {
      a.addObject().put("id", "Part" + i).put("name", "Part " + i).putNull("parent").putNull("mesh");
    }
    return s;
  }

  static VersionMessage message(ObjectNode scene, byte[] sceneJson) {
    ObjectNode header = sceneJson == null ? scene : Json.object().put("id", scene.path("id").asText());
    return new VersionMessage("0a1b2c3d4e5f", "machine-a", header, 3, "freecad-1", null, List.of(), List.of(),
        Json.object().put("nodes", scene.path("nodes").size()), null, 42, sceneJson);
  }

  @Test
  void theStoresBytesGoOutAsTheyAreAndReadBackAsTheScene() {
    ObjectNode scene = scene(3);
    VersionMessage m = message(scene, Json.bytes(scene));
    for (byte[] data : List.of(m.json(), m.encode())) {
      VersionMessage back = VersionMessage.decode(data);
      assertThat(back.wholeScene()).isEqualTo(scene);
      assertThat(back.scene()).isEqualTo(Json.object().put("id", "Doc").put("name", "Doc").put("units", "mm"));
      assertThat(back.sceneId()).isEqualTo("Doc");
      assertThat(back.change()).isNull();
      assertThat(back.version()).isEqualTo(3);
      assertThat(back.sender()).isEqualTo("freecad-1");
      assertThat(back.delta().path("nodes").asInt()).isEqualTo(3);
    }
    // The same message as one encoded from the tree.
    assertThat(Json.parseObject(m.json())).isEqualTo(Json.parseObject(message(scene, null).json()));
  }

  @Test
  void smallMessagesGoPlainLargeOnesGzipped() {
    byte[] small = message(scene(10), null).encode();
    assertThat(small[0]).isEqualTo((byte) '{');
    ObjectNode big = scene(8000);
    VersionMessage large = message(big, Json.bytes(big));
    assertThat(large.json().length).isGreaterThan(VersionMessage.GZIP_ABOVE);
    byte[] wire = large.encode();
    assertThat(wire[0] & 0xff).isEqualTo(0x1f);
    assertThat(wire.length).isLessThan(large.json().length / 4);
    assertThat(VersionMessage.decode(wire).wholeScene()).isEqualTo(big);
  }

  @Test
  void theChangeSinceTheVersionBeforeCrossesBesideTheWholeManifest() {
    ObjectNode scene = scene(8000);
    ObjectNode change = Json.object().put("base", 2);
    change.putArray("upsert").add(scene.path("nodes").get(7));
    change.putArray("remove").add("Gone");
    VersionMessage m = new VersionMessage("0a1b2c3d4e5f", "machine-a", Json.object().put("id", "Doc"), 3, null, null,
        List.of(), List.of(), Json.object(), change, 42, Json.bytes(scene));
    assertThat(m.encode()[0] & 0xff).isEqualTo(0x1f);
    for (byte[] data : List.of(m.json(), m.encode())) {
      VersionMessage back = VersionMessage.decode(data);
      assertThat(back.change()).isEqualTo(change);
      assertThat(back.wholeScene()).isEqualTo(scene);
      assertThat(back.version()).isEqualTo(3);
      assertThat(back.sender()).isNull();
      assertThat(back.targets()).isNull();
    }
    assertThat(Json.parseObject(message(scene, null).json()).has("change")).isFalse();
  }

  @Test
  void aMessageOfAnOlderHubIsReadAsBefore() {
    // As hubs before the change wrote it: the scene's tree not last, no "change", a nodes array of nested objects.
    String old = "{\"hub\":\"0a1b2c3d4e5f\",\"host\":\"machine-a\",\"version\":5,\"publishedAt\":7,"
        + "\"scene\":{\"id\":\"part.v2\",\"nodes\":[{\"id\":\"A\",\"materials\":[{\"color\":[1,0,0,1]}]},"
        + "{\"id\":\"B\",\"parent\":\"A\"}],\"name\":\"Part\",\"units\":\"m\"},"
        + "\"sender\":\"freecad-1\",\"targets\":[{\"peer\":\"p\",\"hub\":\"h\",\"app\":\"Blender\",\"document\":\"\"}],"
        + "\"blobs\":[],\"packs\":[],\"delta\":{\"nodes\":2}}";
    for (byte[] data : List.of(old.getBytes(), VersionMessage.wire(old.getBytes()))) {
      VersionMessage back = VersionMessage.decode(data);
      assertThat(back.change()).isNull();
      assertThat(back.sceneId()).isEqualTo("part.v2");
      assertThat(back.scene()).isEqualTo(Json.object().put("id", "part.v2").put("name", "Part").put("units", "m"));
      assertThat(back.wholeScene()).isEqualTo(Json.parseObject(old.getBytes()).get("scene"));
      assertThat(back.targets()).containsExactly(new VersionMessage.Target("p", "h", "Blender", ""));
      assertThat(back.delta().path("nodes").asInt()).isEqualTo(2);
      // Sent on again (from the outbox), it is the same message, the scene's length added.
      ObjectNode again = Json.parseObject(back.json());
      assertThat(again.remove("sceneLength").asInt()).isEqualTo(Json.bytes(back.wholeScene()).length);
      assertThat(again).isEqualTo(Json.parseObject(old.getBytes()));
    }
  }

  @Test
  void theScenesLengthOnlySparesReadingItsNodesWhenItIsRight() {
    ObjectNode scene = scene(50);
    String json = new String(message(scene, Json.bytes(scene)).json());
    int length = Json.bytes(scene).length;
    assertThat(json).contains("\"sceneLength\":" + length + ",\"scene\":{");
    for (int wrong : List.of(length - 1, length + 1, 0, -5)) {
      VersionMessage back = VersionMessage.decode(json.replace("\"sceneLength\":" + length,
          "\"sceneLength\":" + wrong).getBytes());
      assertThat(back.wholeScene()).isEqualTo(scene);
      assertThat(back.sceneId()).isEqualTo("Doc");
    }
    // Its id after its nodes: read all the same.
    ObjectNode late = Json.object();
    late.set("nodes", scene.get("nodes"));
    late.put("id", "Late");
    VersionMessage back = VersionMessage.decode(message(late, Json.bytes(late)).json());
    assertThat(back.sceneId()).isEqualTo("Late");
    assertThat(back.wholeScene()).isEqualTo(late);
  }

  @Test
  void aMalformedMessageIsRefusedNamingTheProblem() {
    assertThatThrownBy(() -> VersionMessage.decode("{\"hub\":\"h\",\"scene\":{\"id\":\"D\",\"nodes\":[{]}}".getBytes()))
        .isInstanceOf(FederationException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> VersionMessage.decode("{\"hub\":\"h\",\"version\":1}".getBytes()))
        .isInstanceOf(FederationException.class).hasMessageContaining("no scene");
    assertThatThrownBy(() -> VersionMessage.decode("[1]".getBytes()))
        .isInstanceOf(FederationException.class).hasMessageContaining("not a JSON object");
  }
}
