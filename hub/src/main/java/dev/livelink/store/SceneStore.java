package dev.livelink.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.model.Ids;
import dev.livelink.model.ModelException;
import dev.livelink.model.Scene;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scene versions on disk ({@code scenes/<name>/v<N>.json}, the name from {@link FileNames}); the last {@link #KEEP}
 * versions of each scene are kept and blobs no kept version references are deleted. A version is on disk (fsync'd,
 * its directory too) before publish returns.
 *
 * <p>Memory holds the latest version of each scene whole; of the older ones only what routing and collection need
 * (sender, targets, mesh hashes). A delta from an older version reads it from disk, through a small cache. A version
 * file starts with that header, so a restart reads the latest version of each scene whole and only the header of
 * the others.
 *
 * <p>Every decision about deleting blobs is taken under this store's lock, and so is a publish's check that its
 * blobs are there: no publish can be acknowledged for a blob that a concurrent collection is deleting. Blobs that
 * were uploaded recently are pinned by the {@link BlobStore} and outlive the versions that used them for the grace
 * period, so a sender between upload and publish never loses them either.
 */
public final class SceneStore implements AutoCloseable {
  public static final int KEEP = 20;
  /**
   * Old versions parsed for deltas stay cached while their nodes add up to at most this many: one scene of the
   * largest size, whose receivers mostly ask for the delta from the version before the latest.
   */
  private static final int OLD_SCENE_CACHE_NODES = 100_000;
  /** Blobs collected per turn of the lock in a sweep, so publishes are not held up behind a large one. */
  private static final int SWEEP_BATCH = 1000;
  private static final Pattern VERSION_FILE = Pattern.compile("v([0-9]{1,9})\\.json");

  /** A stored version: who sent it and to whom (targets null = every receiver). */
  public record Version(int number, Scene scene, String sender, List<Target> targets, long publishedAtMillis) {}

  /** A targeted peer as it was when the version was published, so a restarted peer can be recognised. */
  public record Target(String peer, String app, String document) {}

  /** A kept version without its nodes: what routing acks and catch-up needs. */
  public record Header(String scene, int number, String sender, List<Target> targets, long publishedAtMillis) {}

  /** What a publish stored, and the version it follows (null for a scene's first). */
  public record Published(Version version, Version previous) {}

  /** How long unreferenced uploads are kept, how often they are swept, and the clock (tests set their own). */
  public record Options(Duration unpublishedGrace, Duration sweepInterval, LongSupplier clockMillis) {
    public static final Options DEFAULTS =
        new Options(Duration.ofHours(1), Duration.ofMinutes(10), System::currentTimeMillis);
  }

  /** A kept version's header and the hashes of its meshes (the instances of the reference map's keys). */
  private record Kept(int number, String sender, List<Target> targets, long time, String[] meshes) {
    Header header(String scene) {
      return new Header(scene, number, sender, targets, time);
    }
  }

  private static final class History {
    final Path dir;
    final TreeMap<Integer, Kept> kept = new TreeMap<>();
    Version latest;

    History(Path dir) {
      this.dir = dir;
    }
  }

  /** How many kept versions reference one blob. */
  private static final class Ref {
    final String hash;
    int count;

    Ref(String hash) {
      this.hash = hash;
    }
  }

  private final Path root;
  private final BlobStore blobs;
  private final LongSupplier clock;
  private final long graceMillis;
  private final Map<String, History> scenes = new LinkedHashMap<>();
  private final Map<String, String> idsByLowerCase = new HashMap<>();
  private final Map<String, Ref> refs = new HashMap<>();
  private final OldScenes oldScenes = new OldScenes(OLD_SCENE_CACHE_NODES);
  private final ScheduledExecutorService sweeper;

  public SceneStore(Path home) {
    this(home, Options.DEFAULTS);
  }

  public SceneStore(Path home, Options options) {
    this.root = home.resolve("store").resolve("scenes");
    this.clock = options.clockMillis();
    this.graceMillis = options.unpublishedGrace().toMillis();
    this.blobs = new BlobStore(home.resolve("store").resolve("blobs"), options.unpublishedGrace(), clock);
    load();
    collect(blobs.sweepCandidates(true));
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "livelink-sweeper");
      t.setDaemon(true);
      return t;
    });
    long every = options.sweepInterval().toMillis();
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        System.err.println("livelink: sweep failed: " + e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  public BlobStore blobs() {
    return blobs;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    blobs.close();
  }

  // ---- loading ---------------------------------------------------------------------------------------------------

  private void load() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try {
      migrateNames();
      for (Path dir : list(root)) {
        if (Files.isDirectory(dir)) {
          loadScene(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("could not load scenes from " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores written before scene ids were encoded named each folder by the raw id ("Doc", "a.b:c"): such a folder
   * is renamed to its encoded name once, at start.
   */
  private void migrateNames() throws IOException {
    boolean renamed = false;
    for (Path dir : list(root)) {
      String name = dir.getFileName().toString();
      if (!Files.isDirectory(dir) || FileNames.isEncoded(name)) {
        continue;
      }
      try {
        Ids.check("scene id", name);
      } catch (ModelException e) {
        System.err.println("livelink: " + dir + " is not a scene folder (" + e.getMessage() + "); left alone");
        continue;
      }
      Path to = root.resolve(FileNames.encode(name));
      if (Files.exists(to)) {
        System.err.println("livelink: cannot rename " + dir + " to " + to + ": it exists; " + name + " left alone");
        continue;
      }
      try {
        Files.move(dir, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(dir, to);
      }
      renamed = true;
    }
    if (renamed) {
      AtomicFiles.syncDirectory(root);
    }
  }

  private void loadScene(Path dir) throws IOException {
    TreeMap<Integer, Path> files = new TreeMap<>();
    for (Path f : list(dir)) {
      String name = f.getFileName().toString();
      Matcher m = VERSION_FILE.matcher(name);
      if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
        Files.deleteIfExists(f); // a write a crash cut short, never acknowledged
      } else if (m.matches()) {
        files.put(Integer.parseInt(m.group(1)), f);
      }
    }
    if (files.isEmpty()) {
      return;
    }
    // More than KEEP only when a crash came between writing a version and dropping the oldest.
    while (files.size() > KEEP) {
      Files.deleteIfExists(files.pollFirstEntry().getValue());
    }
    ObjectNode latestJson = Json.parseObject(Files.readAllBytes(files.lastEntry().getValue()));
    Version latest = readVersion(latestJson);
    String id = latest.scene().id();
    History h = new History(dir);
    for (Map.Entry<Integer, Path> e : files.entrySet()) {
      Kept k = e.getKey() == latest.number() ? kept(latest, meshesOf(latestJson, latest.scene()))
          : readHeader(e.getValue());
      h.kept.put(k.number(), new Kept(k.number(), k.sender(), k.targets(), k.time(), addRefs(k.meshes())));
    }
    h.latest = latest;
    if (scenes.containsKey(id)) {
      throw new StoreException("scene \"" + id + "\" is stored twice, in " + scenes.get(id).dir + " and " + dir);
    }
    scenes.put(id, h);
    idsByLowerCase.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
  }

  private static Kept kept(Version v, String[] meshes) {
    return new Kept(v.number(), v.sender(), v.targets(), v.publishedAtMillis(), meshes);
  }

  private static String[] meshesOf(ObjectNode versionJson, Scene scene) {
    JsonNode m = versionJson.get("meshes");
    if (m != null && m.isArray()) {
      String[] out = new String[m.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = m.get(i).asText();
      }
      return out;
    }
    return sorted(scene);
  }

  private static Version readVersion(ObjectNode o) {
    return new Version(o.get("version").asInt(), SceneJson.storedScene(o.get("scene")),
        o.path("sender").asText(null), targets(o.get("targets")), o.path("time").asLong());
  }

  private static List<Target> targets(JsonNode a) {
    if (a == null || a.isNull()) {
      return null;
    }
    List<Target> targets = new ArrayList<>();
    for (JsonNode t : a) {
      targets.add(new Target(t.path("peer").asText(), t.path("app").asText(), t.path("document").asText()));
    }
    return List.copyOf(targets);
  }

  /**
   * Reads a version file up to its {@code "scene"} field: the header and the mesh list, not the nodes. A file
   * written before the header carried the meshes is read whole.
   */
  private static Kept readHeader(Path f) throws IOException {
    int number = -1;
    String sender = null;
    List<Target> targets = null;
    long time = 0;
    String[] meshes = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(f.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new StoreException(f + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.getCurrentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "version" -> number = p.getIntValue();
          case "sender" -> sender = value == JsonToken.VALUE_NULL ? null : p.getText();
          case "time" -> time = p.getLongValue();
          case "targets" -> targets = targets(p.readValueAsTree());
          case "meshes" -> {
            List<String> m = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              m.add(p.getText());
            }
            meshes = m.toArray(new String[0]);
          }
          case "scene" -> {
            if (meshes == null) {
              Version v = readVersion(Json.parseObject(Files.readAllBytes(f)));
              return kept(v, sorted(v.scene()));
            }
            return new Kept(number, sender, targets, time, meshes);
          }
          default -> p.skipChildren();
        }
      }
    }
    throw new StoreException(f + " holds no scene");
  }

  // ---- publishing ------------------------------------------------------------------------------------------------

  /**
   * Stores a new version, after checking, under the same lock that deletes blobs, that every mesh it names is
   * stored and that its id does not differ only by case from a stored scene's.
   *
   * @throws StoreConflict naming the blobs the store lacks, or the scene whose id differs only by case
   */
  public Published publish(Scene scene, String sender, List<Target> targets) {
    // The bulk of the file is the scene: written outside the lock, so publishes of other scenes do not wait on it.
    byte[] sceneJson = Json.bytes(SceneJson.write(scene));
    String[] meshes = sorted(scene);
    List<Target> to = targets == null ? null : List.copyOf(targets);
    List<String> collectable = new ArrayList<>();
    Published published;
    synchronized (this) {
      History h = scenes.get(scene.id());
      if (h == null) {
        String other = idsByLowerCase.get(scene.id().toLowerCase(Locale.ROOT));
        if (other != null) {
          throw new StoreConflict("scene id \"" + scene.id() + "\" differs only by case from the scene \"" + other
              + "\" the hub holds; ids that differ only by case are one file on Windows and macOS", List.of());
        }
      }
      List<String> missing = blobs.absent(Arrays.asList(meshes));
      if (!missing.isEmpty()) {
        throw new StoreConflict(missing.size() + " mesh blob(s) are not on the hub: upload them first", missing);
      }
      boolean fresh = h == null;
      if (fresh) {
        h = new History(root.resolve(FileNames.encode(scene.id())));
      }
      int number = h.kept.isEmpty() ? 1 : h.kept.lastKey() + 1;
      long time = clock.getAsLong();
      try {
        AtomicFiles.write(file(h, number), versionFile(number, sender, to, time, meshes, sceneJson), false);
      } catch (IOException e) {
        throw new StoreException("could not write version " + number + " of scene " + scene.id() + ": "
            + e.getMessage(), e);
      }
      if (fresh) {
        scenes.put(scene.id(), h);
        idsByLowerCase.put(scene.id().toLowerCase(Locale.ROOT), scene.id());
      }
      h.kept.put(number, new Kept(number, sender, to, time, addRefs(meshes)));
      Version previous = h.latest;
      h.latest = new Version(number, scene, sender, to, time);
      published = new Published(h.latest, previous);
      while (h.kept.size() > KEEP) {
        Kept old = h.kept.pollFirstEntry().getValue();
        try {
          Files.deleteIfExists(file(h, old.number()));
        } catch (IOException e) {
          // The version was stored and is answered; the next start drops the extra file.
          System.err.println("livelink: could not drop version " + old.number() + " of " + scene.id() + ": "
              + e.getMessage());
        }
        for (String m : old.meshes()) {
          if (release(m)) {
            collectable.add(m);
          }
        }
      }
      for (String m : collectable) {
        blobs.collect(m);
      }
    }
    return published;
  }

  private static Path file(History h, int number) {
    return h.dir.resolve("v" + number + ".json");
  }

  /** The header fields first, the mesh list among them, then the scene: see {@link #readHeader}. */
  private static byte[] versionFile(int number, String sender, List<Target> targets, long time, String[] meshes,
      byte[] sceneJson) {
    ObjectNode o = Json.object();
    o.put("version", number).put("sender", sender).put("time", time);
    if (targets == null) {
      o.putNull("targets");
    } else {
      ArrayNode a = o.putArray("targets");
      for (Target t : targets) {
        a.addObject().put("peer", t.peer()).put("app", t.app()).put("document", t.document());
      }
    }
    ArrayNode m = o.putArray("meshes");
    for (String h : meshes) {
      m.add(h);
    }
    byte[] head = Json.bytes(o);
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + sceneJson.length + 16);
    out.write(head, 0, head.length - 1); // without its closing brace
    out.writeBytes(",\"scene\":".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(sceneJson);
    out.write('}');
    return out.toByteArray();
  }

  private static String[] sorted(Scene scene) {
    String[] m = scene.meshes().toArray(new String[0]);
    Arrays.sort(m);
    return m;
  }

  /** Counts one more reference to each hash; returns the hashes as the reference map's own instances. */
  private String[] addRefs(String[] meshes) {
    String[] out = new String[meshes.length];
    for (int i = 0; i < meshes.length; i++) {
      Ref r = refs.computeIfAbsent(meshes[i], Ref::new);
      r.count++;
      out[i] = r.hash;
    }
    return out;
  }

  /** @return true when that was the last reference */
  private boolean release(String hash) {
    Ref r = refs.get(hash);
    if (r == null) {
      return false;
    }
    if (--r.count > 0) {
      return false;
    }
    refs.remove(hash);
    return true;
  }

  // ---- sweeping --------------------------------------------------------------------------------------------------

  /**
   * Deletes uploads no kept version references once their grace period is over, and temp files a crash left (at
   * start) or that are older than the grace period (later). Runs every sweep interval.
   *
   * @return how many blobs were deleted
   */
  public int sweep() {
    for (Path dir : scenesDirs()) {
      sweepTemp(dir);
    }
    return collect(blobs.sweepCandidates(false));
  }

  private List<Path> scenesDirs() {
    synchronized (this) {
      List<Path> dirs = new ArrayList<>();
      scenes.values().forEach(h -> dirs.add(h.dir));
      return dirs;
    }
  }

  private void sweepTemp(Path dir) {
    try {
      for (Path f : list(dir)) {
        if (f.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)
            && clock.getAsLong() - Files.getLastModifiedTime(f).toMillis() >= graceMillis) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException | StoreException e) {
      // Removed meanwhile, or unreadable: the next sweep tries again.
    }
  }

  private int collect(List<String> candidates) {
    int n = 0;
    for (int from = 0; from < candidates.size(); from += SWEEP_BATCH) {
      synchronized (this) {
        for (String h : candidates.subList(from, Math.min(candidates.size(), from + SWEEP_BATCH))) {
          if (!refs.containsKey(h) && blobs.collect(h)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  // ---- reading ---------------------------------------------------------------------------------------------------

  public synchronized Version latest(String sceneId) {
    History h = scenes.get(sceneId);
    return h == null ? null : h.latest;
  }

  /** The header of a kept version, or null when the scene or that version is not kept. */
  public synchronized Header header(String sceneId, int number) {
    History h = scenes.get(sceneId);
    Kept k = h == null ? null : h.kept.get(number);
    return k == null ? null : k.header(sceneId);
  }

  public synchronized List<Version> latestOfEach() {
    List<Version> out = new ArrayList<>();
    for (History h : scenes.values()) {
      out.add(h.latest);
    }
    return out;
  }

  public synchronized int sceneCount() {
    return scenes.size();
  }

  /** The delta from {@code from} to the latest version; full when {@code from} is 0 or no longer kept. */
  public Delta delta(String sceneId, int from) {
    Version to;
    Path file = null;
    synchronized (this) {
      History h = scenes.get(sceneId);
      if (h == null) {
        throw new StoreException("no scene \"" + sceneId + "\"");
      }
      to = h.latest;
      if (from > 0 && from < to.number() && h.kept.containsKey(from)) {
        file = file(h, from);
      }
    }
    Scene base = from == to.number() ? to.scene() : file == null ? null : oldScene(sceneId, from, file);
    return base == null ? Delta.full(to.scene(), to.number())
        : Delta.between(base, from, to.scene(), to.number());
  }

  /** An older version's scene, from the cache or from disk; null when it was dropped meanwhile. */
  private Scene oldScene(String sceneId, int number, Path file) {
    Scene s = oldScenes.get(sceneId, number);
    if (s != null) {
      return s;
    }
    try {
      s = readVersion(Json.parseObject(Files.readAllBytes(file))).scene();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("could not read version " + number + " of scene " + sceneId + ": " + e.getMessage(),
          e);
    }
    oldScenes.put(sceneId, number, s);
    return s;
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new StoreException("could not list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Parsed older versions, least recently used first out, bounded by their total node count. */
  private static final class OldScenes {
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
}
