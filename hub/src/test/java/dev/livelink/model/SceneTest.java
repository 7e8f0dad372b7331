package dev.livelink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SceneTest {
  static Node node(String id, String parent) {
    return new Node(id, id, parent, Transform.IDENTITY, null, List.of(), true);
  }

  static Scene scene(Node... nodes) {
    return new Scene("s", "s", "t", Units.MM, UpAxis.Z, List.of(nodes));
  }

  @Test
  void aNodeThatIsItsOwnParentIsNamed() {
    assertThatThrownBy(() -> scene(node("Root", null), node("A", "A")).checkHierarchy())
        .isInstanceOf(ModelException.class).hasMessage("node \"A\" is its own parent");
  }

  @Test
  void aCycleOfParentsIsNamedWithItsNodes() {
    assertThatThrownBy(() -> scene(node("Root", null), node("A", "C"), node("B", "A"), node("C", "B"),
        node("D", "C")).checkHierarchy())
        .hasMessage("node \"A\": its parents form a cycle A -> C -> B -> A");
  }

  @Test
  void nodeIdsThatDifferOnlyByCaseAreRefused() {
    assertThatThrownBy(() -> scene(node("Box", null), node("box", null)).checkHierarchy())
        .hasMessage("scene \"s\": node ids \"Box\" and \"box\" differ only by case");
  }

  @Test
  void aDeepTreeIsFine() {
    Node[] chain = new Node[10_000];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = node("n" + i, i == 0 ? null : "n" + (i - 1));
    }
    assertThat(scene(chain).checkHierarchy().nodes()).hasSize(10_000);
  }
}
