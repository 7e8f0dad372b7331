package dev.livelink.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.model.Scene;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scene versions on disk ({@code scenes/<id>/v<N>.json}) and in memory; the last {@link #KEEP} versions of each scene
 * are kept and blobs no kept version references are deleted. A version is on disk (fsync'd) before publish returns.
 */
public final class SceneStore implements AutoCloseable {
  public static final int KEEP = 20;

  /** A stored version: who sent it and to whom (targets null = every receiver). */
  public record Version(int number, Scene scene, String sender, List<Target> targets, long publishedAtMillis) {}

  /** A targeted peer as it was when the version was published, so a restarted peer can be recognised. */
  public record Target(String peer, String app, String document) {}

  private final Path root;
  private final BlobStore blobs;
  private final Map<String, TreeMap<Integer, Version>> scenes = new LinkedHashMap<>();

  public SceneStore(Path home) {
    this.root = home.resolve("store").resolve("scenes");
    this.blobs = new BlobStore(home.resolve("store").resolve("blobs"));
    load();
  }

  public BlobStore blobs() {
    return blobs;
  }

  @Override
  public void close() {
    blobs.close();
  }

  private void load() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "v*.json")) {
          for (Path f : files) {
            Version v = read(Json.parseObject(Files.readAllBytes(f)));
            scenes.computeIfAbsent(v.scene().id(), k -> new TreeMap<>()).put(v.number(), v);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("could not load scenes from " + root + ": " + e.getMessage(), e);
    }
    blobs.sweep(referenced(), Duration.ofHours(1));
  }

  private static Version read(ObjectNode o) {
    List<Target> targets = null;
    if (o.hasNonNull("targets")) {
      targets = new ArrayList<>();
      for (JsonNode t : o.get("targets")) {
        targets.add(new Target(t.path("peer").asText(), t.path("app").asText(), t.path("document").asText()));
      }
    }
    return new Version(o.get("version").asInt(), SceneJson.scene(o.get("scene")), o.path("sender").asText(null),
        targets, o.path("time").asLong());
  }

  private static ObjectNode write(Version v) {
    ObjectNode o = Json.object();
    o.put("version", v.number()).put("sender", v.sender()).put("time", v.publishedAtMillis());
    if (v.targets() == null) {
      o.putNull("targets");
    } else {
      ArrayNode a = o.putArray("targets");
      for (Target t : v.targets()) {
        a.addObject().put("peer", t.peer()).put("app", t.app()).put("document", t.document());
      }
    }
    o.set("scene", SceneJson.write(v.scene()));
    return o;
  }

  /**
   * Stores a new version. The caller has checked that every mesh it names is in the blob store.
   *
   * @return the stored version with its number
   */
  public synchronized Version publish(Scene scene, String sender, List<Target> targets) {
    TreeMap<Integer, Version> history = scenes.computeIfAbsent(scene.id(), k -> new TreeMap<>());
    int number = history.isEmpty() ? 1 : history.lastKey() + 1;
    Version v = new Version(number, scene, sender, targets == null ? null : List.copyOf(targets),
        System.currentTimeMillis());
    Path dir = root.resolve(scene.id());
    try {
      AtomicFiles.write(dir.resolve("v" + number + ".json"), Json.bytes(write(v)), false);
    } catch (IOException e) {
      throw new StoreException("could not write version " + number + " of scene " + scene.id() + ": "
          + e.getMessage(), e);
    }
    history.put(number, v);
    Set<String> dropped = new HashSet<>();
    while (history.size() > KEEP) {
      Version old = history.pollFirstEntry().getValue();
      dropped.addAll(old.scene().meshes());
      try {
        Files.deleteIfExists(dir.resolve("v" + old.number() + ".json"));
      } catch (IOException e) {
        throw new StoreException("could not drop version " + old.number() + " of " + scene.id(), e);
      }
    }
    if (!dropped.isEmpty()) {
      dropped.removeAll(referenced());
      dropped.forEach(blobs::delete);
    }
    return v;
  }

  private Set<String> referenced() {
    Set<String> s = new HashSet<>();
    for (TreeMap<Integer, Version> h : scenes.values()) {
      for (Version v : h.values()) {
        s.addAll(v.scene().meshes());
      }
    }
    return s;
  }

  public synchronized Version latest(String sceneId) {
    TreeMap<Integer, Version> h = scenes.get(sceneId);
    return h == null || h.isEmpty() ? null : h.lastEntry().getValue();
  }

  public synchronized Version version(String sceneId, int number) {
    TreeMap<Integer, Version> h = scenes.get(sceneId);
    return h == null ? null : h.get(number);
  }

  public synchronized List<Version> latestOfEach() {
    List<Version> out = new ArrayList<>();
    for (TreeMap<Integer, Version> h : scenes.values()) {
      if (!h.isEmpty()) {
        out.add(h.lastEntry().getValue());
      }
    }
    return out;
  }

  /** The delta from {@code from} to the latest version; full when {@code from} is 0 or no longer kept. */
  public synchronized Delta delta(String sceneId, int from) {
    Version to = latest(sceneId);
    if (to == null) {
      throw new StoreException("no scene \"" + sceneId + "\"");
    }
    Version base = from > 0 ? version(sceneId, from) : null;
    return base == null ? Delta.full(to.scene(), to.number())
        : Delta.between(base.scene(), base.number(), to.scene(), to.number());
  }
}
