package dev.livelink.store;

import dev.livelink.model.Delta;
import dev.livelink.model.Scene;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.store.VersionFiles.Kept;
import dev.livelink.wire.EncodedScene;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Scene versions on disk ({@code scenes/<name>/v<N>.json}, the name from {@link FileNames}); the last {@link #KEEP}
 * versions of each scene are kept and blobs no kept version references are deleted. A version is durable before
 * publish returns: in its file, or in the store's {@link Journal} until a checkpoint has fsync'd the file.
 *
 * <p>Memory holds the latest version of each scene whole, and its JSON (see {@link EncodedScene}); of the older
 * ones only what routing and collection need (sender, targets, mesh hashes). A delta from an older version reads it
 * from disk, through a small cache. A version file starts with that header, so a restart reads the latest version of
 * each scene whole and only the header of the others.
 *
 * <p>Every decision about deleting blobs is taken under this store's lock, and so is a publish's check that its
 * blobs are there: no publish can be acknowledged for a blob that a concurrent collection is deleting. Blobs that
 * were uploaded recently are pinned by the {@link BlobStore} and outlive the versions that used them for the grace
 * period, so a sender between upload and publish never loses them either.
 */
public final class SceneStore implements AutoCloseable {
  public static final int KEEP = VersionFiles.KEEP;
  /**
   * Old versions parsed for deltas stay cached while their nodes add up to at most this many: one scene of the
   * largest size, whose receivers mostly ask for the delta from the version before the latest.
   */
  private static final int OLD_SCENE_CACHE_NODES = 100_000;
  /** And at most this many of one scene: the version before the latest, and one for a receiver a version behind. */
  static final int OLD_SCENE_CACHE_PER_SCENE = 2;
  /** Blobs collected per turn of the lock in a sweep, so publishes are not held up behind a large one. */
  private static final int SWEEP_BATCH = 1000;

  /** What a publish stored, and the version it follows (null for a scene's first). */
  public record Published(Version version, Version previous) {}

  /** How long unreferenced uploads are kept, how often they are swept, and the clock (tests set their own). */
  public record Options(Duration unpublishedGrace, Duration sweepInterval, LongSupplier clockMillis) {
    public static final Options DEFAULTS =
        new Options(Duration.ofHours(1), Duration.ofMinutes(10), System::currentTimeMillis);
  }

  private final Path root;
  private final BlobStore blobs;
  private final LongSupplier clock;
  private final long graceMillis;
  private final Map<String, SceneHistory> scenes = new LinkedHashMap<>();
  private final Map<String, String> idsByLowerCase = new HashMap<>();
  private final MeshRefs refs = new MeshRefs();
  private final OldScenes oldScenes = new OldScenes(OLD_SCENE_CACHE_NODES, OLD_SCENE_CACHE_PER_SCENE);
  private final ScheduledExecutorService sweeper;
  private final Journal journal;

  public SceneStore(Path home) {
    this(home, Options.DEFAULTS);
  }

  public SceneStore(Path home, Options options) {
    Path store = home.resolve("store");
    this.root = store.resolve("scenes");
    this.clock = options.clockMillis();
    this.graceMillis = options.unpublishedGrace().toMillis();
    this.journal = Journal.open(store.resolve("journal"), store); // first: it may write back what a power cut lost
    this.blobs = new BlobStore(store.resolve("blobs"), options.unpublishedGrace(), clock, journal);
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
    journal.close();
  }

  // ---- loading ---------------------------------------------------------------------------------------------------

  private void load() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try {
      VersionFiles.migrateNames(root);
      for (Path dir : VersionFiles.list(root)) {
        if (Files.isDirectory(dir)) {
          loadScene(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("could not load scenes from " + root + ": " + e.getMessage(), e);
    }
  }

  private void loadScene(Path dir) throws IOException {
    SceneHistory h = SceneHistory.load(dir, refs);
    if (h == null) {
      return;
    }
    String id = h.latest.scene().id();
    if (scenes.containsKey(id)) {
      throw new StoreException("scene \"" + id + "\" is stored twice, in " + scenes.get(id).dir + " and " + dir);
    }
    scenes.put(id, h);
    idsByLowerCase.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
  }

  // ---- publishing ------------------------------------------------------------------------------------------------

  /**
   * Stores a new version, after checking, under the same lock that deletes blobs, that every mesh it names is
   * stored and that its id does not differ only by case from a stored scene's.
   *
   * @throws StoreConflict naming the blobs the store lacks, or the scene whose id differs only by case
   */
  public Published publish(Scene scene, Origin origin, List<Target> targets) {
    return publish(scene, origin, targets, 0, null);
  }

  /**
   * {@link #publish(Scene, Origin, List)} of a scene made from version {@code base} (a patch): stored only while
   * {@code base} is still the latest, checked under the same lock that numbers versions, so two patches on one base
   * never both apply. {@code base} 0: no check.
   *
   * @throws StoreConflict also when {@code base} is no longer the latest version, naming both
   */
  public Published publish(Scene scene, Origin origin, List<Target> targets, int base) {
    return publish(scene, origin, targets, base, null);
  }

  /**
   * {@link #publish} without waiting for the disk: the version file is written and renamed into place but not
   * fsync'd; {@code into} gets it, and {@link Unsynced#sync} makes it durable. Only for a version that is durable
   * elsewhere until then (one from another hub, which its stream redelivers until this hub acks it after the sync).
   */
  public Published publishUnsynced(Scene scene, Origin origin, List<Target> targets, Unsynced into) {
    return publish(scene, origin, targets, 0, java.util.Objects.requireNonNull(into));
  }

  private Published publish(Scene scene, Origin origin, List<Target> targets, int base, Unsynced unsynced) {
    Origin sender = origin == null ? Origin.ANONYMOUS : origin;
    // The bulk of the file is the scene: encoded outside the lock, so publishes of other scenes do not wait on it,
    // reusing the bytes of the nodes that did not change since the latest version.
    EncodedScene previousJson;
    synchronized (this) {
      SceneHistory before = scenes.get(scene.id());
      previousJson = before == null ? null : before.latestJson;
    }
    EncodedScene encoded = EncodedScene.encode(scene, previousJson);
    byte[] sceneJson = encoded.json();
    String[] meshes = VersionFiles.sorted(scene);
    List<Target> to = targets == null ? null : List.copyOf(targets);
    List<String> collectable = new ArrayList<>();
    Published published;
    synchronized (this) {
      SceneHistory h = scenes.get(scene.id());
      if (h == null) {
        String other = idsByLowerCase.get(scene.id().toLowerCase(Locale.ROOT));
        if (other != null) {
          throw new StoreConflict("scene id \"" + scene.id() + "\" differs only by case from the scene \"" + other
              + "\" the hub holds; ids that differ only by case are one file on Windows and macOS", List.of());
        }
      }
      int latest = h == null || h.kept.isEmpty() ? 0 : h.kept.lastKey();
      if (base > 0 && latest != base) {
        throw new StoreConflict(staleBase(scene.id(), latest, base), List.of());
      }
      List<String> missing = blobs.absent(Arrays.asList(meshes));
      if (!missing.isEmpty()) {
        throw new StoreConflict(missing.size() + " mesh blob(s) are not on the hub: upload them first", missing);
      }
      boolean fresh = h == null;
      if (fresh) {
        h = new SceneHistory(root.resolve(FileNames.encode(scene.id())));
      }
      int number = h.kept.isEmpty() ? 1 : h.kept.lastKey() + 1;
      long time = clock.getAsLong();
      try {
        Path file = VersionFiles.file(h.dir, number);
        byte[] bytes = VersionFiles.versionFile(number, sender, to, time, meshes, sceneJson);
        if (unsynced == null) {
          journal.write(file, java.nio.ByteBuffer.wrap(bytes));
        } else {
          AtomicFiles.writeUnsynced(file, bytes);
          unsynced.add(file);
        }
      } catch (IOException e) {
        throw new StoreException("could not write version " + number + " of scene " + scene.id() + ": "
            + e.getMessage(), e);
      }
      if (fresh) {
        scenes.put(scene.id(), h);
        idsByLowerCase.put(scene.id().toLowerCase(Locale.ROOT), scene.id());
      }
      h.kept.put(number, new Kept(number, sender, to, time, refs.add(meshes)));
      Version previous = h.latest;
      h.latest = new Version(number, scene, sender, to, time);
      h.latestJson = encoded;
      published = new Published(h.latest, previous);
      while (h.kept.size() > KEEP) {
        Kept old = h.kept.pollFirstEntry().getValue();
        oldScenes.remove(scene.id(), old.number());
        try {
          Files.deleteIfExists(VersionFiles.file(h.dir, old.number()));
        } catch (IOException e) {
          // The version was stored and is answered; the next start drops the extra file.
          System.err.println("livelink: could not drop version " + old.number() + " of " + scene.id() + ": "
              + e.getMessage());
        }
        for (String m : old.meshes()) {
          if (refs.release(m)) {
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

  /** Why a patch on {@code base} is refused when the scene is at {@code latest}: the client publishes whole. */
  public static String staleBase(String scene, int latest, int base) {
    return "scene \"" + scene + "\" is at version " + latest + ", not at version " + base
        + " the patch applies to: publish the whole scene";
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
      VersionFiles.sweepTemp(dir, clock, graceMillis);
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

  private int collect(List<String> candidates) {
    int n = 0;
    for (int from = 0; from < candidates.size(); from += SWEEP_BATCH) {
      synchronized (this) {
        for (String h : candidates.subList(from, Math.min(candidates.size(), from + SWEEP_BATCH))) {
          if (!refs.contains(h) && blobs.collect(h)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  // ---- reading ---------------------------------------------------------------------------------------------------

  /**
   * The JSON of version {@code number} of a scene as the store encoded it (do not modify), if it is still the latest
   * and kept encoded; null otherwise. Lets the federation send the bytes the store already wrote.
   */
  public synchronized byte[] latestJson(String sceneId, int number) {
    SceneHistory h = scenes.get(sceneId);
    return h == null || h.latest == null || h.latest.number() != number || h.latestJson == null ? null
        : h.latestJson.json();
  }

  public synchronized Version latest(String sceneId) {
    SceneHistory h = scenes.get(sceneId);
    return h == null ? null : h.latest;
  }

  /** The header of a kept version, or null when the scene or that version is not kept. */
  public synchronized VersionHeader header(String sceneId, int number) {
    SceneHistory h = scenes.get(sceneId);
    Kept k = h == null ? null : h.kept.get(number);
    return k == null ? null : k.header(sceneId);
  }

  public synchronized List<Version> latestOfEach() {
    List<Version> out = new ArrayList<>();
    for (SceneHistory h : scenes.values()) {
      out.add(h.latest);
    }
    return out;
  }

  public synchronized int sceneCount() {
    return scenes.size();
  }

  /** The delta from {@code from} to the latest version; full when {@code from} is 0 or no longer kept. */
  public Delta delta(String sceneId, int from) {
    return deltaTo(sceneId, from).delta;
  }

  /** {@link #delta} as the JSON of docs/protocol.md, the nodes' bytes copied from the latest version's. */
  public byte[] deltaJson(String sceneId, int from) {
    DeltaTo d = deltaTo(sceneId, from);
    if (d.encoded == null) {
      // The latest version as loaded at start: encoded once, for every later delta.
      EncodedScene e = EncodedScene.encode(d.delta.scene(), null);
      synchronized (this) {
        SceneHistory h = scenes.get(sceneId);
        if (h != null && h.latest.scene() == e.scene() && h.latestJson == null) {
          h.latestJson = e;
        }
      }
      return e.delta(d.delta);
    }
    return d.encoded.delta(d.delta);
  }

  private record DeltaTo(Delta delta, EncodedScene encoded) {}

  private DeltaTo deltaTo(String sceneId, int from) {
    Version to;
    EncodedScene encoded;
    Path file = null;
    synchronized (this) {
      SceneHistory h = scenes.get(sceneId);
      if (h == null) {
        throw new StoreException("no scene \"" + sceneId + "\"");
      }
      to = h.latest;
      encoded = h.latestJson;
      if (from > 0 && from < to.number() && h.kept.containsKey(from)) {
        file = VersionFiles.file(h.dir, from);
      }
    }
    Scene base = from == to.number() ? to.scene() : file == null ? null : oldScene(sceneId, from, file);
    Delta d = base == null ? Delta.full(to.scene(), to.number())
        : Delta.between(base, from, to.scene(), to.number());
    return new DeltaTo(d, encoded);
  }

  /** An older version's scene, from the cache or from disk; null when it was dropped meanwhile. */
  private Scene oldScene(String sceneId, int number, Path file) {
    return oldScenes.read(sceneId, number, file, () -> {
      synchronized (this) {
        SceneHistory h = scenes.get(sceneId);
        return h != null && h.kept.containsKey(number);
      }
    });
  }
}
