package dev.livelink.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The next version of a scene written as what changed since version {@code base}: nodes added or replaced
 * ({@code upsert}), node ids removed, and the header fields that changed (null: as in the base). Applied, it gives
 * the very scene a sender would publish whole: a replaced node keeps its place, the base's other nodes keep theirs,
 * and new nodes follow them in the order given. A 4,000-node scene with one node edited is then one node on the wire
 * and in the hub's parser instead of 4,000.
 */
public record ScenePatch(String scene, int base, String name, String source, Units units, UpAxis up,
    List<Node> upsert, List<String> remove) {

  public ScenePatch {
    Ids.check("scene id", scene);
    if (base < 1) {
      throw new ModelException("patch of scene \"" + scene + "\": base " + base + " is not a version (1 or more)");
    }
    upsert = List.copyOf(upsert);
    remove = List.copyOf(remove);
    Set<String> seen = new HashSet<>();
    for (Node n : upsert) {
      if (!seen.add(n.id())) {
        throw new ModelException("patch of scene \"" + scene + "\": node \"" + n.id() + "\" is upserted twice");
      }
    }
    Set<String> gone = new HashSet<>();
    for (String id : remove) {
      Ids.check("removed node id", id);
      if (!gone.add(id)) {
        throw new ModelException("patch of scene \"" + scene + "\": node \"" + id + "\" is removed twice");
      }
      if (seen.contains(id)) {
        throw new ModelException("patch of scene \"" + scene + "\": node \"" + id + "\" is both upserted and removed");
      }
    }
  }

  /**
   * The scene this patch makes of {@code from}, held to the same rules as a scene published whole
   * ({@link Scene#checkHierarchy()} included).
   *
   * @throws ModelException naming a removed node {@code from} lacks, a parent that is not in the result, a cycle
   */
  public Scene applyTo(Scene from) {
    if (!from.id().equals(scene)) {
      throw new IllegalArgumentException("patch of scene \"" + scene + "\" applied to scene \"" + from.id() + "\"");
    }
    Map<String, Node> pending = new LinkedHashMap<>(2 * upsert.size());
    for (Node n : upsert) {
      pending.put(n.id(), n);
    }
    Set<String> gone = new HashSet<>(remove);
    List<Node> out = new ArrayList<>(from.nodes().size() + upsert.size());
    Set<String> found = new HashSet<>();
    for (Node n : from.nodes()) {
      if (!gone.isEmpty() && gone.contains(n.id())) {
        found.add(n.id());
        continue;
      }
      Node replaced = pending.isEmpty() ? null : pending.remove(n.id());
      out.add(replaced == null ? n : replaced);
    }
    for (String id : remove) {
      if (!found.contains(id)) {
        throw new ModelException("patch of scene \"" + scene + "\": node \"" + id + "\" to remove is not in version "
            + base);
      }
    }
    out.addAll(pending.values());
    try {
      return new Scene(scene, name == null ? from.name() : name, source == null ? from.source() : source,
          units == null ? from.units() : units, up == null ? from.up() : up, out).checkHierarchy();
    } catch (ModelException e) {
      throw new ModelException("patch of scene \"" + scene + "\" on version " + base + ": " + e.getMessage());
    }
  }

  /**
   * The patch that makes {@code now} of {@code before} (stored as version {@code base}), or null when none can: a
   * node of both that changed place, or a new node placed before an old one (a patch appends new nodes). Nodes are
   * compared by identity first, so a sender that keeps the objects of unchanged nodes pays one lookup for each.
   */
  public static ScenePatch between(Scene before, int base, Scene now) {
    if (!before.id().equals(now.id())) {
      return null;
    }
    List<Node> old = before.nodes();
    Map<String, Integer> at = new HashMap<>(2 * old.size());
    for (int i = 0; i < old.size(); i++) {
      at.put(old.get(i).id(), i);
    }
    List<Node> upsert = new ArrayList<>();
    int last = -1;
    int kept = 0;
    boolean added = false;
    for (Node n : now.nodes()) {
      Integer i = at.get(n.id());
      if (i == null) {
        added = true;
        upsert.add(n);
        continue;
      }
      if (added || i < last) {
        return null; // an old node after a new one, or two old ones swapped: only a whole publish says that
      }
      last = i;
      kept++;
      Node o = old.get(i);
      if (o != n && !o.equals(n)) {
        upsert.add(n);
      }
    }
    List<String> remove = new ArrayList<>();
    if (kept < old.size()) {
      Set<String> ids = new HashSet<>(2 * now.nodes().size());
      now.nodes().forEach(n -> ids.add(n.id()));
      for (Node o : old) {
        if (!ids.contains(o.id())) {
          remove.add(o.id());
        }
      }
    }
    return new ScenePatch(now.id(), base, changed(before.name(), now.name()), changed(before.source(), now.source()),
        changed(before.units(), now.units()), changed(before.up(), now.up()), upsert, remove);
  }

  private static <T> T changed(T before, T now) {
    return Objects.equals(before, now) ? null : now;
  }
}
