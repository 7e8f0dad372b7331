package dev.livelink.store;

import dev.livelink.model.Scene;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed older versions, least recently used first out, bounded by their total node count and by how many of one
 * scene are held. Receivers ask for the delta from the version they hold, nearly always the one before the latest:
 * without the per-scene bound a scene of 4,000 nodes kept its last 23 versions (100,000 nodes, ~60 MB of heap,
 * measured) of which only the newest is asked for again. A version the store no longer keeps goes at once.
 */
final class OldScenes {
  private record Key(String scene, int number) {}

  private final int maxNodes;
  private final int perScene;
  private int nodes;
  private final LinkedHashMap<Key, Scene> map = new LinkedHashMap<>(16, 0.75f, true);

  OldScenes(int maxNodes, int perScene) {
    this.maxNodes = maxNodes;
    this.perScene = perScene;
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
    int ofScene = 0;
    for (Key k : map.keySet()) {
      if (k.scene().equals(scene)) {
        ofScene++;
      }
    }
    Iterator<Map.Entry<Key, Scene>> it = map.entrySet().iterator();
    while ((nodes > maxNodes || ofScene > perScene) && it.hasNext()) {
      Map.Entry<Key, Scene> e = it.next();
      boolean same = e.getKey().scene().equals(scene);
      if (nodes > maxNodes || same) {
        nodes -= e.getValue().nodes().size();
        ofScene -= same ? 1 : 0;
        it.remove();
      }
    }
  }

  /** Versions held now (for tests). */
  synchronized int size() {
    return map.size();
  }
}
