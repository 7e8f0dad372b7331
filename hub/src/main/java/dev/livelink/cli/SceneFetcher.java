package dev.livelink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.ModelException;
import dev.livelink.model.Scene;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.SceneJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest version of a scene from the hub, whole, with the meshes it names. The meshes of the latest version of
 * each scene fetched stay in memory, by hash, and no others: the next version of a scene fetches only the blobs it
 * did not have (an edit of one part costs one blob), and memory holds no more than the scenes being written.
 * One thread uses it.
 */
final class SceneFetcher {
  /** A version as fetched: its number, the scene, its meshes by hash, and how many blobs came over the wire. */
  record Fetched(int version, Scene scene, Map<String, MeshData> meshes, int blobsFetched) {}

  private final LiveLinkClient client;
  private final Map<String, MeshData> meshes = new HashMap<>();
  private final Map<String, Set<String>> meshesOfScene = new HashMap<>();

  SceneFetcher(LiveLinkClient client) {
    this.client = client;
  }

  /**
   * @throws dev.livelink.sdk.ClientException the hub's answer, e.g. 404 {@code no scene "x"}
   * @throws ModelException a scene id that cannot be one, or a blob that is not a mesh blob
   */
  Fetched latest(String sceneId) {
    Ids.check("scene id", sceneId);
    JsonNode delta = client.delta(sceneId, 0);
    ObjectNode whole = ((ObjectNode) delta.get("scene")).deepCopy();
    whole.set("nodes", delta.get("added"));
    Scene scene = SceneJson.storedScene(whole);
    List<String> lacking = new ArrayList<>();
    for (String h : scene.meshes()) {
      if (!meshes.containsKey(h)) {
        lacking.add(h);
      }
    }
    for (Map.Entry<String, byte[]> e : client.fetchBlobs(lacking).entrySet()) {
      try {
        meshes.put(e.getKey(), MeshBlob.decode(e.getValue()));
      } catch (ModelException bad) {
        throw new ModelException("blob " + e.getKey() + " of scene \"" + sceneId + "\": " + bad.getMessage());
      }
    }
    Map<String, MeshData> mine = new HashMap<>();
    for (String h : scene.meshes()) {
      mine.put(h, meshes.get(h));
    }
    meshesOfScene.put(sceneId, new HashSet<>(mine.keySet()));
    Set<String> used = new HashSet<>();
    meshesOfScene.values().forEach(used::addAll);
    meshes.keySet().retainAll(used);
    return new Fetched(delta.path("to").asInt(), scene, mine, lacking.size());
  }

  /** Hashes held in memory now (for tests). */
  int cached() {
    return meshes.size();
  }
}
