package dev.livelink.model;

import java.util.List;
import java.util.Objects;

/**
 * One object of a scene. {@code id} is chosen by the sender and stays stable across versions (FreeCAD: obj.Name);
 * {@code parent} is another node's id or null; {@code mesh} is a blob's SHA-256 or null for an empty (a group).
 * Nodes that share a mesh hash are instances of one mesh. Material i colours the triangles whose per-triangle
 * material index is i.
 */
public record Node(
    String id,
    String name,
    String parent,
    Transform transform,
    String mesh,
    List<Material> materials,
    boolean visible) {

  public Node {
    Ids.check("node id", id);
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(transform, "transform == null");
    if (parent != null) {
      Ids.check("parent id", parent);
    }
    if (mesh != null && !Ids.isSha256(mesh)) {
      throw new ModelException("node \"" + id + "\": mesh \"" + mesh + "\" is not a lowercase hex SHA-256");
    }
    materials = List.copyOf(materials);
  }
}
