package dev.livelink.store;

import dev.livelink.model.Scene;
import java.util.LinkedHashMap;

/**
 * Parsed older versions, least recently used first out, bounded by their total node count; a version the store no
 * longer keeps goes at once (no delta can start from it: it would stay only to fill the bound).
 */
final class OldScenes {
  private record Key(String scene, int number) {}

  private final int maxNodes;
  private int nodes;
  private final LinkedHashMap<Key, Scene> map = new LinkedHashMap<>(16, 0.75f, true);

  OldScenes(int maxNodes) {
    this.maxNodes = maxNodes;
  }

  synchronized Scene get(String scene, int number) {
    return map.get(new Key(scene, number));
  }

  /** The store dropped this version. */
  synchronized void remove(String scene, int number) {
    Scene s = map.remove(new Key(scene, number));
    if (s != null) {
      nodes -= s.nodes().size();
    }
  }

  synchronized void put(String scene, int number, Scene s) {
    if (s.nodes().size() > maxNodes || map.containsKey(new Key(scene, number))) {
      return;
    }
    map.put(new Key(scene, number), s);
    nodes += s.nodes().size();
    var it = map.entrySet().iterator();
    while (nodes > maxNodes && it.hasNext()) {
      nodes -= it.next().getValue().nodes().size();
      it.remove();
    }
  }
}
