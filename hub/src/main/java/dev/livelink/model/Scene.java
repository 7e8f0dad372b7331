package dev.livelink.model;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One version of a scene as a sender publishes it: metadata and the full list of nodes. */
public record Scene(String id, String name, String source, Units units, UpAxis up, List<Node> nodes) {
  public Scene {
    Ids.check("scene id", id);
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(units, "units == null");
    Objects.requireNonNull(up, "up == null");
    nodes = List.copyOf(nodes);
    Set<String> seen = new HashSet<>();
    for (Node n : nodes) {
      if (!seen.add(n.id())) {
        throw new ModelException("scene \"" + id + "\": node id \"" + n.id() + "\" appears twice");
      }
    }
    for (Node n : nodes) {
      if (n.parent() != null && !seen.contains(n.parent())) {
        throw new ModelException("node \"" + n.id() + "\": parent \"" + n.parent() + "\" is not in the scene");
      }
    }
  }

  public Map<String, Node> byId() {
    Map<String, Node> m = new LinkedHashMap<>();
    for (Node n : nodes) {
      m.put(n.id(), n);
    }
    return m;
  }

  /** The distinct mesh hashes this scene references. */
  public Set<String> meshes() {
    Set<String> s = new HashSet<>();
    for (Node n : nodes) {
      if (n.mesh() != null) {
        s.add(n.mesh());
      }
    }
    return s;
  }
}
