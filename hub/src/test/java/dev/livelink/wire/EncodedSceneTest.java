package dev.livelink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Delta;
import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedSceneTest {
  static Node node(String id, String parent, double x, String mesh) {
    return new Node(id, "Part \"" + id + "\" é", parent, Transform.of(0.1, -0.0, 1e-7, x, 0, 1, 0, 2.5e300, 0, 0, 1,
        1.0 / 3, 0, 0, 0, 1), mesh, List.of(Material.of("paint", 0.8, 0.25, 0.1, 1)), !id.equals("hidden"));
  }

  static Scene scene(List<Node> nodes) {
    return new Scene("doc", "Doc \u00e9", "test", Units.MM, UpAxis.Z, nodes);
  }

  static final String M1 = "a".repeat(64);
  static final String M2 = "b".repeat(64);

  @Test
  void theSceneReadsAsTheTreeWriterWritesIt() {
    Scene s = scene(List.of(node("a", null, 1, M1), node("b", "a", 2, null), node("hidden", null, 3, M2)));
    assertThat(Json.parseObject(EncodedScene.encode(s, null).json())).isEqualTo(SceneJson.write(s));
  }

  @Test
  void unchangedNodesTakeThePreviousBytesAndTheResultIsTheSame() {
    Scene v1 = scene(List.of(node("a", null, 1, M1), node("b", "a", 2, M2), node("c", null, 3, M1)));
    List<Node> nodes = new ArrayList<>(v1.nodes());
    nodes.set(1, node("b", "a", 7, M2));
    nodes.add(0, node("new", null, 4, M2));
    nodes.remove(3);
    Scene v2 = scene(nodes);
    EncodedScene before = EncodedScene.encode(v1, null);
    assertThat(EncodedScene.encode(v2, before).json()).isEqualTo(EncodedScene.encode(v2, null).json());
  }

  @Test
  void aDeltaReadsAsTheTreeWriterWritesIt() {
    Scene v1 = scene(List.of(node("a", null, 1, M1), node("b", "a", 2, M2), node("gone.x", null, 3, M1)));
    Scene v2 = scene(List.of(node("a", null, 1, M1), node("b", "a", 5, M1), node("hidden", null, 3, null)));
    EncodedScene e = EncodedScene.encode(v2, EncodedScene.encode(v1, null));
    for (Delta d : List.of(Delta.between(v1, 1, v2, 2), Delta.full(v2, 2), Delta.between(v2, 2, v2, 2))) {
      assertThat(Json.parseObject(e.delta(d))).isEqualTo(SceneJson.write(d));
    }
  }
}
