package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the versions this hub received came from: its own version of a remote scene ↔ the hub, scene and version
 * number there, so a local ack goes back to the right sender; and the last version of each remote scene taken, so a
 * redelivered older one is skipped. For each scene, as many versions as the store keeps ({@link SceneStore#KEEP}:
 * an ack for an older one is refused anyway) are remembered, in memory and in {@code federation/origins.jsonl} (one
 * JSON line per version taken, appended, compacted at start and as it grows), so that acks for versions received
 * before a restart of the hub are relayed too.
 *
 * <p>Lines are appended without fsync: a line lost in a power cut costs the relay of that one version's acks.
 */
final class Origins implements AutoCloseable {
  record Origin(String hub, String scene, int version) {}

  private final Path file;
  /** Local scene → its local version → where it came from; the latest {@link SceneStore#KEEP} of each scene. */
  private final Map<String, TreeMap<Integer, Origin>> byLocal = new HashMap<>();
  private final Map<String, Integer> applied = new HashMap<>();
  private int entries;
  private OutputStream out;
  private int lines;

  /** In memory only (tests). */
  Origins() {
    this.file = null;
  }

  /** Remembered in {@code file}, read now. */
  Origins(Path file) {
    this.file = file;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        try {
          ObjectNode o = Json.parseObject(line.getBytes(StandardCharsets.UTF_8));
          remember(Json.text(o, "local"), o.path("localVersion").asInt(), new Origin(Json.text(o, "hub"),
              Json.text(o, "scene"), o.path("version").asInt()));
        } catch (RuntimeException e) {
          // A line cut by a crash: the ones before it stand.
        }
        lines++;
      }
    } catch (NoSuchFileException e) {
      // A hub that never received a version.
    } catch (IOException e) {
      System.err.println("livelink: could not read " + file + ", acks of earlier versions will not be relayed: "
          + e.getMessage());
    }
    if (lines > 2 * entries + 1000) {
      compact();
    }
  }

  synchronized void record(String localScene, int localVersion, Origin o) {
    remember(localScene, localVersion, o);
    if (file == null) {
      return;
    }
    ObjectNode line = Json.object().put("local", localScene).put("localVersion", localVersion).put("hub", o.hub())
        .put("scene", o.scene()).put("version", o.version());
    try {
      if (out == null) {
        AtomicFiles.createDirectories(file.getParent());
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(Json.bytes(line));
      out.write('\n');
      out.flush();
      if (++lines > 2 * entries + 1000) {
        compact();
      }
    } catch (IOException e) {
      System.err.println("livelink: could not write to " + file + ": " + e.getMessage());
    }
  }

  private void remember(String localScene, int localVersion, Origin o) {
    TreeMap<Integer, Origin> versions = byLocal.computeIfAbsent(localScene, k -> new TreeMap<>());
    if (versions.put(localVersion, o) == null) {
      entries++;
    }
    while (versions.size() > SceneStore.KEEP) {
      versions.pollFirstEntry();
      entries--;
    }
    applied.merge(o.hub() + "/" + o.scene(), o.version(), Math::max);
  }

  /** Rewrites the file with what is remembered; the newest last, as they were appended. */
  private synchronized void compact() {
    StringBuilder b = new StringBuilder();
    byLocal.forEach((scene, versions) -> versions.forEach((v, o) -> b.append(Json.object().put("local", scene)
        .put("localVersion", v).put("hub", o.hub()).put("scene", o.scene()).put("version", o.version()).toString())
        .append('\n')));
    try {
      close();
      AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8), true);
      lines = entries;
    } catch (IOException e) {
      System.err.println("livelink: could not compact " + file + ": " + e.getMessage());
    }
  }

  synchronized Origin of(String localScene, int localVersion) {
    TreeMap<Integer, Origin> versions = byLocal.get(localScene);
    return versions == null ? null : versions.get(localVersion);
  }

  /** Whether a version at least as new of this remote scene was taken already. */
  synchronized boolean seen(String hub, String scene, int version) {
    Integer v = applied.get(hub + "/" + scene);
    return v != null && v >= version;
  }

  /**
   * This hub's number for {@code version} of a remote scene, when it is the last one taken of that scene (only that
   * one can be lost to a power cut, see Inbound), else null.
   */
  synchronized Integer localVersion(String hub, String scene, int version) {
    TreeMap<Integer, Origin> versions = byLocal.get(Inbound.localId(hub, scene));
    if (versions == null || versions.isEmpty() || versions.lastEntry().getValue().version() != version) {
      return null;
    }
    return versions.lastKey();
  }

  @Override
  public synchronized void close() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      System.err.println("livelink: could not close " + file + ": " + e.getMessage());
    }
    out = null;
  }
}
