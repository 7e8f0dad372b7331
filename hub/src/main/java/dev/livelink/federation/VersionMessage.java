package dev.livelink.federation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Ids;
import dev.livelink.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One scene version as it crosses between hubs: the whole manifest (the scene as published, nodes and all), the
 * version number its hub gave it, who sent it to whom, the blob hashes it needs and how it differs from the version
 * before, and which pack of the object store holds each blob ({@code "packs": [{"name", "blobs": [index in
 * "blobs"]}]}, empty in the outbox: packs are chosen when the version goes out). On the wire: JSON, gzipped above
 * {@link #GZIP_ABOVE} bytes (a 4,000-node manifest, 1.7 MB, is ~10x smaller gzipped; a 410-node one, 120 KB, takes
 * 0.1-0.2 ms to gzip, less than its 115 KB saved take on a 1 Gbit/s LAN); gzip's fastest level, a third of the
 * default's time for a few percent more bytes. A reader tells the two apart by gzip's magic bytes, which JSON cannot
 * start with (hubs have read both since the outbox kept plain JSON).
 *
 * <p>A version can also carry what changed since its hub's version before it ({@code "change"}: a patch as
 * {@link dev.livelink.wire.PatchJson} writes it, base and all): a hub that took that version builds this one from it
 * instead of reading the whole manifest. The manifest still goes whole, since the stream keeps only the latest
 * message of each scene and a hub that missed a version catches up from it. Hubs that predate the field ignore it.
 * Reading a message leaves the scene's nodes as bytes ({@link #wholeScene} parses them), so a hub that applies the
 * change never builds the manifest's tree.
 *
 * @param hub the hub the version comes from, the only one that numbers its versions
 * @param scene the whole scene, or only its header (id, name...) when {@code sceneJson} holds it
 * @param targets null = every receiver of every hub
 * @param change null, or what changed since version {@code change.base} of its hub (see above)
 * @param sceneJson null, or the whole scene's JSON as the store wrote it (or as a message held it): written out as
 *     it is, never re-encoded
 */
record VersionMessage(String hub, String host, ObjectNode scene, int version, String sender, List<Target> targets,
    List<String> blobs, List<Pack> packs, ObjectNode delta, ObjectNode change, long publishedAtMillis,
    byte[] sceneJson) {
  /** A targeted peer, on its hub. */
  record Target(String peer, String hub, String app, String document) {}

  /** An object of the space's object store ({@code pack-<sha256>}) and the blobs of {@link #blobs} it holds. */
  record Pack(String name, List<String> hashes) {}

  /** Bytes a manifest may unpack to: the hub's own limit on a scene body (64 MiB) and room for the rest. */
  static final int MAX_UNPACKED = 80 << 20;

  /** Messages of up to this many bytes of JSON (a few dozen nodes) go plain: gzip would save next to nothing. */
  static final int GZIP_ABOVE = 16 << 10;

  private static final byte[] SCENE_KEY = ",\"scene\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  VersionMessage(String hub, String host, ObjectNode scene, int version, String sender, List<Target> targets,
      List<String> blobs, List<Pack> packs, ObjectNode delta, long publishedAtMillis) {
    this(hub, host, scene, version, sender, targets, blobs, packs, delta, null, publishedAtMillis, null);
  }

  /** The whole scene, nodes and all: parsed from {@link #sceneJson} when that holds it. @throws ModelException when malformed */
  ObjectNode wholeScene() {
    return sceneJson == null ? scene : Json.parseObject(sceneJson);
  }

  String sceneId() {
    return scene.path("id").asText();
  }

  VersionMessage withPacks(List<Pack> packs) {
    return new VersionMessage(hub, host, scene, version, sender, targets, blobs, List.copyOf(packs), delta, change,
        publishedAtMillis, sceneJson);
  }

  /** The pack holding each blob, by hash. */
  Map<String, String> packOf() {
    Map<String, String> m = new HashMap<>();
    for (Pack p : packs) {
      p.hashes().forEach(h -> m.put(h, p.name()));
    }
    return m;
  }

  /** The message as JSON, as the outbox keeps it; the scene's bytes copied as they are when at hand (the store's). */
  byte[] json() {
    byte[] sceneJson = this.sceneJson == null ? Json.bytes(scene) : this.sceneJson;
    // "scene" last, its length before it (a reader then need not even tokenize its nodes, see decode): the head
    // without its closing brace, then the scene's bytes.
    byte[] head = Json.bytes(toJson().put("sceneLength", sceneJson.length));
    byte[] out = new byte[head.length - 1 + SCENE_KEY.length + sceneJson.length + 1];
    System.arraycopy(head, 0, out, 0, head.length - 1);
    System.arraycopy(SCENE_KEY, 0, out, head.length - 1, SCENE_KEY.length);
    System.arraycopy(sceneJson, 0, out, head.length - 1 + SCENE_KEY.length, sceneJson.length);
    out[out.length - 1] = '}';
    return out;
  }

  /** As it goes on the stream: {@link #json}, gzipped when above {@link #GZIP_ABOVE}. */
  byte[] encode() {
    return wire(json());
  }

  /** {@code json} as it goes on the stream. */
  static byte[] wire(byte[] json) {
    if (json.length <= GZIP_ABOVE) {
      return json;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 6);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  private ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("hub", hub).put("host", host).put("version", version).put("publishedAt", publishedAtMillis);
    if (sender == null) o.putNull("sender"); else o.put("sender", sender);
    if (targets == null) {
      o.putNull("targets");
    } else {
      ArrayNode a = o.putArray("targets");
      for (Target t : targets) {
        a.addObject().put("peer", t.peer()).put("hub", t.hub()).put("app", t.app()).put("document", t.document());
      }
    }
    blobs.forEach(o.putArray("blobs")::add);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < blobs.size(); i++) {
      index.putIfAbsent(blobs.get(i), i);
    }
    ArrayNode ps = o.putArray("packs");
    for (Pack p : packs) {
      ArrayNode in = ps.addObject().put("name", p.name()).putArray("blobs");
      for (String h : p.hashes()) {
        Integer i = index.get(h);
        if (i == null) {
          throw new IllegalArgumentException("pack " + p.name() + " names blob " + h + ", not one of the version's");
        }
        in.add(i);
      }
    }
    o.set("delta", delta);
    if (change != null) {
      o.set("change", change);
    }
    return o;
  }

  /** Gzipped or plain JSON (from the stream, either; from the outbox, plain). @throws FederationException naming the problem */
  static VersionMessage decode(byte[] data) {
    byte[] json;
    boolean gzipped = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    try (InputStream in = gzipped ? new GZIPInputStream(new ByteArrayInputStream(data))
        : new ByteArrayInputStream(data)) {
      json = in.readNBytes(MAX_UNPACKED + 1);
    } catch (IOException e) {
      throw new FederationException("a version message is not gzipped JSON: " + e.getMessage(), e);
    }
    if (json.length > MAX_UNPACKED) {
      throw new FederationException("a version message unpacks to more than " + MAX_UNPACKED + " bytes");
    }
    ObjectNode o;
    byte[] sceneJson;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new FederationException("a version message is not a JSON object");
      }
      o = Json.object();
      sceneJson = null;
      int length = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() == JsonToken.START_OBJECT && name.equals("scene")) {
          int start = (int) p.getTokenLocation().getByteOffset();
          // The scene last and its length known (as json() writes it): its nodes need not be read at all.
          int end = start + length;
          boolean last = length > 0 && end + 1 == json.length && json[end - 1] == '}' && json[end] == '}';
          o.set("scene", header(p, last));
          if (p.currentToken() == JsonToken.FIELD_NAME) {
            sceneJson = Arrays.copyOfRange(json, start, end); // stopped on "nodes"
            break;
          }
          sceneJson = Arrays.copyOfRange(json, start, (int) p.getCurrentLocation().getByteOffset());
        } else {
          JsonNode v = Json.MAPPER.readTree(p);
          o.set(name, v);
          if (name.equals("sceneLength")) {
            length = v.canConvertToInt() ? v.intValue() : -1;
          }
        }
      }
    } catch (IOException e) {
      throw new FederationException("a version message is not JSON: " + e.getMessage(), e);
    }
    try {
      List<Target> targets = null;
      if (o.hasNonNull("targets")) {
        targets = new ArrayList<>();
        for (JsonNode t : Json.arrayOr(o, "targets")) {
          targets.add(new Target(Json.text(t, "peer"), Json.text(t, "hub"), Json.textOr(t, "app", ""),
              Json.textOr(t, "document", "")));
        }
      }
      List<String> blobs = new ArrayList<>();
      for (JsonNode b : Json.arrayOr(o, "blobs")) {
        if (!Ids.isSha256(b.asText())) {
          throw new FederationException("blob \"" + b.asText() + "\" is not a SHA-256");
        }
        blobs.add(b.asText());
      }
      List<Pack> packs = new ArrayList<>();
      for (JsonNode p : Json.arrayOr(o, "packs")) {
        String name = Json.text(p, "name");
        if (!name.startsWith("pack-") || !Ids.isSha256(name.substring(5))) {
          throw new FederationException("pack name \"" + name + "\" is not pack-<sha256>");
        }
        List<String> in = new ArrayList<>();
        for (JsonNode i : Json.arrayOr(p, "blobs")) {
          if (!i.isInt() || i.asInt() < 0 || i.asInt() >= blobs.size()) {
            throw new FederationException("pack " + name + " names blob " + i + ", not an index of \"blobs\"");
          }
          in.add(blobs.get(i.asInt()));
        }
        packs.add(new Pack(name, List.copyOf(in)));
      }
      JsonNode scene = o.get("scene");
      if (scene == null || !scene.isObject() || sceneJson == null) {
        throw new FederationException("a version message has no scene");
      }
      int version = o.path("version").asInt(0);
      if (version < 1) {
        throw new FederationException("version " + o.path("version") + " of a version message is not a number >= 1");
      }
      JsonNode delta = o.get("delta");
      JsonNode change = o.get("change");
      return new VersionMessage(Json.text(o, "hub"), Json.textOr(o, "host", ""), (ObjectNode) scene, version,
          Json.textOr(o, "sender", null), targets, blobs, List.copyOf(packs),
          delta != null && delta.isObject() ? (ObjectNode) delta : Json.object(),
          change != null && change.isObject() ? (ObjectNode) change : null, o.path("publishedAt").asLong(0),
          sceneJson);
    } catch (FederationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FederationException("a version message is malformed: " + e.getMessage(), e);
    }
  }

  /**
   * The scene's fields but its nodes, the parser on the scene's opening brace; it ends on the closing one, or, with
   * {@code stopAtNodes} and the id read, on the field name "nodes" (a scene as the hub writes it has them last). The
   * nodes are otherwise only tokenized, not built (a few times cheaper than the tree and the scene made of it).
   */
  private static ObjectNode header(JsonParser p, boolean stopAtNodes) throws IOException {
    ObjectNode header = Json.object();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (field.equals("nodes") && stopAtNodes && header.has("id")) {
        return header;
      }
      p.nextToken();
      if (field.equals("nodes")) {
        p.skipChildren();
      } else {
        header.set(field, Json.MAPPER.readTree(p));
      }
    }
    return header;
  }
}
