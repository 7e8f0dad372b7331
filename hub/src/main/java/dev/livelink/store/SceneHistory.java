package dev.livelink.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.VersionFiles.Kept;
import dev.livelink.wire.EncodedScene;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** One scene in the {@link SceneStore}: its folder, its kept versions, the latest whole; guarded by the store's lock. */
final class SceneHistory {
  final Path dir;
  final TreeMap<Integer, Kept> kept = new TreeMap<>();
  Version latest;
  /** The latest version's scene encoded; null after a restart until a delta or publish needs it. */
  EncodedScene latestJson;

  SceneHistory(Path dir) {
    this.dir = dir;
  }

  /**
   * A scene's folder as a restart finds it: the latest version read whole, the others' headers only, every kept
   * version's meshes counted in {@code refs}; null when the folder holds no version.
   */
  static SceneHistory load(Path dir, MeshRefs refs) throws IOException {
    TreeMap<Integer, Path> files = VersionFiles.scan(dir);
    if (files.isEmpty()) {
      return null;
    }
    ObjectNode latestJson = Json.parseObject(Files.readAllBytes(files.lastEntry().getValue()));
    Version latest = VersionFiles.readVersion(latestJson);
    SceneHistory h = new SceneHistory(dir);
    for (Map.Entry<Integer, Path> e : files.entrySet()) {
      Kept k = e.getKey() == latest.number()
          ? VersionFiles.kept(latest, VersionFiles.meshesOf(latestJson, latest.scene()))
          : VersionFiles.readHeader(e.getValue());
      h.kept.put(k.number(), new Kept(k.number(), k.origin(), k.targets(), k.time(), refs.add(k.meshes())));
    }
    h.latest = latest;
    return h;
  }
}
