package dev.livelink.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  /**
   * The rules a scene must pass when it arrives at the hub, beyond those every scene passes: no node is its own
   * parent or its own ancestor, and no two node ids differ only by case (receivers on Windows and macOS name objects
   * and files after them). Versions stored before these rules existed are read back without them.
   *
   * @return this scene
   * @throws ModelException naming the first node that breaks a rule
   */
  public Scene checkHierarchy() {
    Map<String, String> lower = new HashMap<>();
    Map<String, String> parent = new HashMap<>();
    for (Node n : nodes) {
      String other = lower.putIfAbsent(n.id().toLowerCase(Locale.ROOT), n.id());
      if (other != null) {
        throw new ModelException("scene \"" + id + "\": node ids \"" + other + "\" and \"" + n.id()
            + "\" differ only by case");
      }
      if (n.id().equals(n.parent())) {
        throw new ModelException("node \"" + n.id() + "\" is its own parent");
      }
      parent.put(n.id(), n.parent());
    }
    // Walk each chain of parents once: a node reached again on the chain being walked closes a cycle.
    Map<String, Integer> state = new HashMap<>(); // 1 = on the chain being walked, 2 = known to reach a root
    for (Node n : nodes) {
      List<String> chain = new ArrayList<>();
      String at = n.id();
      while (at != null && state.get(at) == null) {
        state.put(at, 1);
        chain.add(at);
        at = parent.get(at);
      }
      if (at != null && state.get(at) == 1) {
        List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(at), chain.size()));
        cycle.add(at);
        throw new ModelException("node \"" + at + "\": its parents form a cycle " + String.join(" -> ", cycle));
      }
      chain.forEach(c -> state.put(c, 2));
    }
    return this;
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
