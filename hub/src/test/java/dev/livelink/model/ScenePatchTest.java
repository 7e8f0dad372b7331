package dev.livelink.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenePatchTest {
  static Node node(String id, String parent, double x) {
    return new Node(id, id, parent, Transform.translation(x, 0, 0), null, List.of(), true);
  }

  static Scene scene(List<Node> nodes) {
    return new Scene("doc", "Doc", "test", Units.MM, UpAxis.Z, nodes);
  }

  @Test
  void betweenThenApplyGivesTheSceneBack() {
    Scene before = scene(List.of(node("a", null, 0), node("b", "a", 1), node("c", null, 2), node("d", null, 3)));
    List<Node> now = new ArrayList<>(before.nodes());
    now.set(1, node("b", "a", 9)); // equal id, new object, other place
    now.remove(2);
    now.add(node("e", "b", 4));
    Scene after = new Scene("doc", "Renamed", "test", Units.M, UpAxis.Z, now);
    ScenePatch p = ScenePatch.between(before, 7, after);
    assertThat(p.base()).isEqualTo(7);
    assertThat(p.upsert()).extracting(Node::id).containsExactly("b", "e");
    assertThat(p.remove()).containsExactly("c");
    assertThat(p.name()).isEqualTo("Renamed");
    assertThat(p.units()).isEqualTo(Units.M);
    assertThat(p.source()).isNull();
    assertThat(p.up()).isNull();
    assertThat(p.applyTo(before)).isEqualTo(after);
  }

  @Test
  void equalNodesThatAreOtherObjectsAreNotSent() {
    Scene before = scene(List.of(node("a", null, 0), node("b", null, 1)));
    Scene same = scene(List.of(node("a", null, 0), node("b", null, 1)));
    ScenePatch p = ScenePatch.between(before, 1, same);
    assertThat(p.upsert()).isEmpty();
    assertThat(p.remove()).isEmpty();
    assertThat(p.applyTo(before).nodes()).containsExactlyElementsOf(before.nodes()); // the base's own objects
  }

  @Test
  void anOrderAPatchCannotGiveIsNoPatch() {
    Scene before = scene(List.of(node("a", null, 0), node("b", null, 1)));
    assertThat(ScenePatch.between(before, 1, scene(List.of(before.nodes().get(1), before.nodes().get(0))))).isNull();
    assertThat(ScenePatch.between(before, 1, scene(List.of(node("n", null, 5), before.nodes().get(0),
        before.nodes().get(1))))).isNull();
    assertThat(ScenePatch.between(before, 1, new Scene("other", "o", "t", Units.MM, UpAxis.Z, List.of()))).isNull();
  }
}
