package dev.livelink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.ModelException;
import org.junit.jupiter.api.Test;

class SceneJsonTest {
  static ObjectNode scene(String nodeJson) {
    return Json.parseObject(("{\"id\": \"s\", \"nodes\": [" + nodeJson + "]}").getBytes());
  }

  @Test
  void aColourThatIsNotNumbersIsRefusedNotReadAsZero() {
    assertThatThrownBy(() -> SceneJson.scene(scene("{\"id\": \"A\", \"materials\": [{\"name\": \"paint\", "
        + "\"color\": [\"red\", 0, 0]}]}")))
        .isInstanceOf(ModelException.class)
        .hasMessage("node \"A\": material \"paint\": color holds \"red\", not a number");
    assertThatThrownBy(() -> SceneJson.scene(scene("{\"id\": \"A\", \"materials\": [{\"color\": [\"red\"]}]}")))
        .hasMessage("node \"A\": material \"material\": color must be [r, g, b] or [r, g, b, a]");
  }

  @Test
  void visibleMustBeABoolean() {
    assertThatThrownBy(() -> SceneJson.scene(scene("{\"id\": \"A\", \"visible\": \"no\"}")))
        .hasMessage("node \"A\": field \"visible\" must be true or false, not \"no\"");
    assertThat(SceneJson.scene(scene("{\"id\": \"A\", \"visible\": false}")).nodes().get(0).visible()).isFalse();
    assertThat(SceneJson.scene(scene("{\"id\": \"A\"}")).nodes().get(0).visible()).isTrue();
  }

  @Test
  void aStoredSceneIsReadWithoutTheRulesAddedSince() {
    ObjectNode cyclic = scene("{\"id\": \"A\", \"parent\": \"B\"}, {\"id\": \"B\", \"parent\": \"A\"}");
    assertThatThrownBy(() -> SceneJson.scene(cyclic)).hasMessage("node \"A\": its parents form a cycle A -> B -> A");
    assertThat(SceneJson.storedScene(cyclic).nodes()).hasSize(2);
  }
}
