package dev.livelink.store;

import dev.livelink.model.Scene;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

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

  /**
   * Version {@code number} of a scene from the cache, or read from {@code file} and cached while {@code stillKept}
   * (asked after the read, under the store's lock) says the store keeps it; null when the file is gone (dropped).
   */
  Scene read(String scene, int number, Path file, BooleanSupplier stillKept) {
    Scene s = get(scene, number);
    if (s != null) {
      return s;
    }
    try {
      s = VersionFiles.readVersion(Json.parseObject(Files.readAllBytes(file))).scene();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("could not read version " + number + " of scene " + scene + ": " + e.getMessage(), e);
    }
    put(scene, number, s);
    if (!stillKept.getAsBoolean()) {
      remove(scene, number); // dropped while it was read: it must not stay cached
    }
    return s;
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
