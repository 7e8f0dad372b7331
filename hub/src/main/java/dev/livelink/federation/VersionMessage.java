package dev.livelink.federation;

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
 * "blobs"]}]}, empty in the outbox: packs are chosen when the version goes out). Gzipped JSON: manifests are
 * repetitive (a 4,000-node one, 1.7 MB, is ~10x smaller gzipped); gzip's fastest level, which costs a third of the
 * default's time for a few percent more bytes.
 *
 * @param hub the hub the version comes from, the only one that numbers its versions
 * @param targets null = every receiver of every hub
 */
record VersionMessage(String hub, String host, ObjectNode scene, int version, String sender, List<Target> targets,
    List<String> blobs, List<Pack> packs, ObjectNode delta, long publishedAtMillis) {
  /** A targeted peer, on its hub. */
  record Target(String peer, String hub, String app, String document) {}

  /** An object of the space's object store ({@code pack-<sha256>}) and the blobs of {@link #blobs} it holds. */
  record Pack(String name, List<String> hashes) {}

  /** Bytes a manifest may unpack to: the hub's own limit on a scene body (64 MiB) and room for the rest. */
  static final int MAX_UNPACKED = 80 << 20;

  String sceneId() {
    return scene.path("id").asText();
  }

  VersionMessage withPacks(List<Pack> packs) {
    return new VersionMessage(hub, host, scene, version, sender, targets, blobs, List.copyOf(packs), delta,
        publishedAtMillis);
  }

  /** The pack holding each blob, by hash. */
  Map<String, String> packOf() {
    Map<String, String> m = new HashMap<>();
    for (Pack p : packs) {
      p.hashes().forEach(h -> m.put(h, p.name()));
    }
    return m;
  }

  /** The message as JSON (the outbox keeps it so: gzip is for the wire). */
  byte[] json() {
    return Json.bytes(toJson());
  }

  /** Gzipped JSON, as it goes on the stream. */
  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(Json.bytes(toJson()));
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
    o.set("scene", scene);
    return o;
  }

  /** Gzipped (from the stream) or plain (from the outbox) JSON. @throws FederationException naming the problem */
  static VersionMessage decode(byte[] data) {
    ObjectNode o;
    boolean gzipped = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    try (InputStream in = gzipped ? new GZIPInputStream(new ByteArrayInputStream(data))
        : new ByteArrayInputStream(data)) {
      byte[] json = in.readNBytes(MAX_UNPACKED + 1);
      if (json.length > MAX_UNPACKED) {
        throw new FederationException("a version message unpacks to more than " + MAX_UNPACKED + " bytes");
      }
      o = Json.parseObject(json);
    } catch (IOException e) {
      throw new FederationException("a version message is not gzipped JSON: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new FederationException("a version message is not a JSON object: " + e.getMessage(), e);
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
      if (scene == null || !scene.isObject()) {
        throw new FederationException("a version message has no scene");
      }
      int version = o.path("version").asInt(0);
      if (version < 1) {
        throw new FederationException("version " + o.path("version") + " of a version message is not a number >= 1");
      }
      JsonNode delta = o.get("delta");
      return new VersionMessage(Json.text(o, "hub"), Json.textOr(o, "host", ""), (ObjectNode) scene, version,
          Json.textOr(o, "sender", null), targets, blobs, List.copyOf(packs),
          delta != null && delta.isObject() ? (ObjectNode) delta : Json.object(), o.path("publishedAt").asLong(0));
    } catch (FederationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FederationException("a version message is malformed: " + e.getMessage(), e);
    }
  }
}
