package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

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
        Json.object().put("nodes", scene.path("nodes").size()), 42, sceneJson);
  }

  @Test
  void theStoresBytesGoOutAsTheyAreAndReadBackAsTheScene() {
    ObjectNode scene = scene(3);
    VersionMessage m = message(scene, Json.bytes(scene));
    for (byte[] data : List.of(m.json(), m.encode())) {
      VersionMessage back = VersionMessage.decode(data);
      assertThat(back.scene()).isEqualTo(scene);
      assertThat(back.sceneId()).isEqualTo("Doc");
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
    assertThat(VersionMessage.decode(wire).scene()).isEqualTo(big);
  }
}
