package dev.livelink.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scene version files on disk: names and layout, reading one whole or by header, folder migration, temp cleanup. */
final class VersionFiles {
  /** Versions kept of each scene, the latest. */
  static final int KEEP = 20;
  private static final Pattern VERSION_FILE = Pattern.compile("v([0-9]{1,9})\\.json");

  /** A kept version's header and the hashes of its meshes (the instances of the reference map's keys). */
  record Kept(int number, Origin origin, List<Target> targets, long time, String[] meshes) {
    VersionHeader header(String scene) {
      return new VersionHeader(scene, number, origin, targets, time);
    }
  }

  private VersionFiles() {}

  /**
   * The version files in {@code dir} by number, after deleting the temp files a crash left there and, past
   * {@link #KEEP}, the oldest versions.
   */
  static TreeMap<Integer, Path> scan(Path dir) throws IOException {
    TreeMap<Integer, Path> files = new TreeMap<>();
    for (Path f : list(dir)) {
      String name = f.getFileName().toString();
      Matcher m = VERSION_FILE.matcher(name);
      if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
        Files.deleteIfExists(f); // a write a crash cut short, never acknowledged
      } else if (m.matches() && Files.size(f) == 0) {
        // Written without fsync (a version from another hub, see Unsynced), then a power cut: never acked to its
        // stream, which delivers it again.
        System.err.println("livelink: " + f + " is empty (a power cut before its fsync); dropped");
        Files.deleteIfExists(f);
      } else if (m.matches()) {
        files.put(Integer.parseInt(m.group(1)), f);
      }
    }
    // More than KEEP only when a crash came between writing a version and dropping the oldest.
    while (files.size() > KEEP) {
      Files.deleteIfExists(files.pollFirstEntry().getValue());
    }
    return files;
  }

  /**
   * Stores written before scene ids were encoded named each folder by the raw id ("Doc", "a.b:c"): such a folder
   * is renamed to its encoded name once, at start.
   */
  static void migrateNames(Path root) throws IOException {
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

  static Kept kept(Version v, String[] meshes) {
    return new Kept(v.number(), v.origin(), v.targets(), v.publishedAtMillis(), meshes);
  }

  static String[] meshesOf(ObjectNode versionJson, Scene scene) {
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

  static Version readVersion(ObjectNode o) {
    return new Version(o.get("version").asInt(), SceneJson.storedScene(o.get("scene")),
        origin(o.path("sender").asText(null), o.path("senderApp").asText(null), o.path("senderDocument").asText(null)),
        targets(o.get("targets")), o.path("time").asLong());
  }

  /**
   * Files written before the sender's application and document were recorded lack them: unknown, except that a
   * version no registered peer sent was, then as now, the CLI's ({@link Origin#ANONYMOUS_APP}).
   */
  private static Origin origin(String peer, String app, String document) {
    return new Origin(peer, app == null && peer == null ? Origin.ANONYMOUS_APP : app, document);
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
  static Kept readHeader(Path f) throws IOException {
    int number = -1;
    String sender = null;
    String senderApp = null;
    String senderDocument = null;
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
          case "senderApp" -> senderApp = value == JsonToken.VALUE_NULL ? null : p.getText();
          case "senderDocument" -> senderDocument = value == JsonToken.VALUE_NULL ? null : p.getText();
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
            return new Kept(number, origin(sender, senderApp, senderDocument), targets, time, meshes);
          }
          default -> p.skipChildren();
        }
      }
    }
    throw new StoreException(f + " holds no scene");
  }

  static Path file(Path dir, int number) {
    return dir.resolve("v" + number + ".json");
  }

  /** The header fields first, the mesh list among them, then the scene: see {@link #readHeader}. */
  static byte[] versionFile(int number, Origin sender, List<Target> targets, long time, String[] meshes,
      byte[] sceneJson) {
    ObjectNode o = Json.object();
    o.put("version", number).put("sender", sender.peer()).put("senderApp", sender.app())
        .put("senderDocument", sender.document()).put("time", time);
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

  static String[] sorted(Scene scene) {
    String[] m = scene.meshes().toArray(new String[0]);
    Arrays.sort(m);
    return m;
  }

  /** Deletes the temp files in {@code dir} that are older than the grace period. */
  static void sweepTemp(Path dir, LongSupplier clock, long graceMillis) {
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

  static List<Path> list(Path dir) {
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
}
