package dev.livelink.model;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a receiver at version {@code from} must do to reach version {@code to}. {@code full} means the receiver's
 * state is unknown (from = 0 or a version no longer kept): every node is in {@code added} and the receiver drops
 * any node of this scene it holds that is not listed.
 */
public record Delta(
    Scene scene, int from, int to, boolean full, List<Node> added, List<Change> changed, List<String> removed) {

  /** A node that is in both versions, with what differs. */
  public record Change(Node node, Set<Field> fields) {}

  public enum Field { NAME, PARENT, TRANSFORM, MESH, MATERIALS, VISIBILITY }

  public static Delta full(Scene to, int toVersion) {
    return new Delta(to, 0, toVersion, true, to.nodes(), List.of(), List.of());
  }

  public static Delta between(Scene from, int fromVersion, Scene to, int toVersion) {
    Map<String, Node> old = from.byId();
    List<Node> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    for (Node n : to.nodes()) {
      Node o = old.remove(n.id());
      if (o == null) {
        added.add(n);
        continue;
      }
      if (o == n) {
        continue; // the same object: a node a patch left as it was
      }
      EnumSet<Field> f = EnumSet.noneOf(Field.class);
      if (!o.name().equals(n.name())) f.add(Field.NAME);
      if (!java.util.Objects.equals(o.parent(), n.parent())) f.add(Field.PARENT);
      if (!o.transform().equals(n.transform())) f.add(Field.TRANSFORM);
      if (!java.util.Objects.equals(o.mesh(), n.mesh())) f.add(Field.MESH);
      if (!o.materials().equals(n.materials())) f.add(Field.MATERIALS);
      if (o.visible() != n.visible()) f.add(Field.VISIBILITY);
      if (!f.isEmpty()) {
        changed.add(new Change(n, f));
      }
    }
    return new Delta(to, fromVersion, toVersion, false, added, changed, List.copyOf(old.keySet()));
  }
}
