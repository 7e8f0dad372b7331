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
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One scene version as it crosses between hubs: the whole manifest (the scene as published, nodes and all), the
 * version number its hub gave it, who sent it to whom, the blob hashes it needs and how it differs from the version
 * before. Gzipped JSON: manifests are repetitive (a 4,000-node one, 1.7 MB, is ~10x smaller gzipped).
 *
 * @param hub the hub the version comes from, the only one that numbers its versions
 * @param targets null = every receiver of every hub
 */
record VersionMessage(String hub, String host, ObjectNode scene, int version, String sender, List<Target> targets,
    List<String> blobs, ObjectNode delta, long publishedAtMillis) {
  /** A targeted peer, on its hub. */
  record Target(String peer, String hub, String app, String document) {}

  /** Bytes a manifest may unpack to: the hub's own limit on a scene body (64 MiB) and room for the rest. */
  static final int MAX_UNPACKED = 80 << 20;

  String sceneId() {
    return scene.path("id").asText();
  }

  byte[] encode() {
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
    o.set("delta", delta);
    o.set("scene", scene);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(Json.bytes(o));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }

  /** @throws FederationException naming what is wrong with the message */
  static VersionMessage decode(byte[] gz) {
    ObjectNode o;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
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
          Json.textOr(o, "sender", null), targets, blobs,
          delta != null && delta.isObject() ? (ObjectNode) delta : Json.object(), o.path("publishedAt").asLong(0));
    } catch (FederationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FederationException("a version message is malformed: " + e.getMessage(), e);
    }
  }
}
