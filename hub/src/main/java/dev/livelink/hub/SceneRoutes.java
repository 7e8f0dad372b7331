package dev.livelink.hub;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.model.Ids;
import dev.livelink.model.Scene;
import dev.livelink.model.ScenePatch;
import dev.livelink.store.Origin;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Target;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import dev.livelink.wire.PatchJson;
import dev.livelink.wire.SceneJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code /v1/scenes}: publish a version to its receivers, list the scenes, serve deltas. */
final class SceneRoutes {
  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;
  private final int maxNodes;
  private final HubEvents events;
  private final Federation federation;

  SceneRoutes(SceneStore store, Peers peers, AckBoard acks, Limits limits, HubEvents events,
      Federation federation) {
    this.federation = federation;
    this.store = store;
    this.peers = peers;
    this.acks = acks;
    this.maxNodes = limits.maxNodes;
    this.events = events;
  }

  /** The {@code version} event that tells a receiver to fetch a delta. */
  static ObjectNode versionEvent(Version v) {
    ObjectNode o = Json.object();
    o.put("scene", v.scene().id()).put("name", v.scene().name()).put("version", v.number());
    if (v.sender() == null) o.putNull("sender"); else o.put("sender", v.sender());
    return o;
  }

  void publish(Request r) throws IOException {
    byte[] body = r.body();
    // The smallest node, {"id":"a"}, takes 11 bytes: a smaller body cannot hold too many, a larger one is counted
    // before it becomes a tree (64 MB of tiny nodes would be gigabytes of tree).
    if (body.length > 8L * maxNodes) {
      checkNodeCount(body);
    }
    ObjectNode o = Json.parseObject(body);
    JsonNode nodes = o.path("scene").path("nodes");
    if (nodes.size() > maxNodes) {
      throw tooMany(o.path("scene").path("id").asText(), nodes.size());
    }
    Scene scene = SceneJson.scene(o.get("scene"));
    Routing to = routing(o);
    // The store checks the blobs under the lock that collects them (409 with the list when some are missing).
    long stored = System.nanoTime();
    r.timing("read", stored - r.startedNanos());
    SceneStore.Published p = store.publish(scene, to.origin, to.targets);
    r.timing("store", System.nanoTime() - stored);
    announce(r, p, to);
  }

  /**
   * {@code POST /v1/scenes/{id}/versions}: the next version as what changed since the latest one (a
   * {@link ScenePatch}). The hub applies it and stores the whole version, as if it had been published whole; a base
   * that is no longer the latest is a 409 naming both versions, and the sender publishes whole instead.
   */
  void patch(Request r) throws IOException {
    String id = Ids.check("scene id", r.param("scene"));
    byte[] body = r.body();
    if (body.length > 8L * maxNodes) {
      int n = countUpserts(body);
      if (n > maxNodes) {
        throw tooMany(id, n);
      }
    }
    ObjectNode o = Json.parseObject(body);
    ScenePatch patch = PatchJson.read(id, o);
    Routing to = routing(o);
    Version latest = store.latest(id);
    if (latest == null) {
      throw new HubException(404, "no scene \"" + id + "\" to patch: publish it whole first");
    }
    if (latest.number() != patch.base()) {
      throw new HubException(409, SceneStore.staleBase(id, latest.number(), patch.base()));
    }
    Scene scene = patch.applyTo(latest.scene());
    if (scene.nodes().size() > maxNodes) {
      throw tooMany(id, scene.nodes().size());
    }
    long stored = System.nanoTime();
    r.timing("read", stored - r.startedNanos());
    // The store takes it only while the base is still the latest (another publish may have come in meanwhile).
    SceneStore.Published p = store.publish(scene, to.origin, to.targets, patch.base());
    r.timing("store", System.nanoTime() - stored);
    announce(r, p, to);
  }

  /** Who a publish is from and who receives it: the same rules for a whole scene and a patch. */
  private record Routing(String sender, Origin origin, List<Target> targets,
      List<Federation.RemotePeer> remoteTargets, Set<String> deliverTo) {}

  private Routing routing(ObjectNode o) {
    String sender = Json.textOr(o, "sender", null);
    Peer from = sender == null ? null : peers.get(sender);
    if (sender != null && from == null) {
      throw new HubException(404, "sender \"" + sender + "\" is not a registered peer");
    }
    Origin origin = from == null ? Origin.ANONYMOUS
        : new Origin(from.id(), from.app(), from.document());
    List<Target> targets = null;
    List<Federation.RemotePeer> remoteTargets = null;
    Set<String> deliverTo = new LinkedHashSet<>();
    JsonNode t = o.get("targets");
    if (t != null && !t.isNull()) {
      if (!t.isArray() || t.isEmpty()) {
        throw new HubException(400, "field \"targets\" must be a non-empty array of peer ids, or absent");
      }
      targets = new ArrayList<>();
      remoteTargets = new ArrayList<>();
      for (JsonNode id : t) {
        Peer peer = peers.get(id.asText());
        Federation.RemotePeer remote = peer == null ? federation.remotePeer(id.asText()) : null;
        if (remote != null) {
          if (!remote.receives()) {
            throw new HubException(400, "target \"" + remote.id() + "\" on " + remote.host() + " is not a receiver");
          }
          targets.add(new Target(remote.id(), remote.app(), remote.document()));
          deliverTo.add(remote.id());
          remoteTargets.add(remote);
          continue;
        }
        if (peer == null) {
          throw new HubException(404, "target \"" + id.asText() + "\" is not a registered peer");
        }
        if (!peer.receives()) {
          throw new HubException(400, "target \"" + id.asText() + "\" is a " + peer.role() + ", not a receiver");
        }
        targets.add(new Target(peer.id(), peer.app(), peer.document()));
        deliverTo.add(peer.id());
      }
    } else {
      // Explicit targets win; without them, every receiver that takes from the sender's application, never the
      // sender itself.
      for (Peer peer : peers.list()) {
        if (peer.receives() && !peer.id().equals(sender) && peer.takesFrom(origin.app())) {
          deliverTo.add(peer.id());
        }
      }
      for (Federation.RemotePeer rp : federation.remotePeers()) {
        if (rp.receives()) {
          deliverTo.add(rp.id());
        }
      }
    }
    return new Routing(sender, origin, targets, remoteTargets, deliverTo);
  }

  /** Tells the receivers of a stored version, and answers the publish. */
  private void announce(Request r, SceneStore.Published p, Routing to) throws IOException {
    Version v = p.version();
    Scene scene = v.scene();
    acks.expect(scene.id(), v.number(), to.deliverTo);
    peers.send(to.deliverTo, "version", versionEvent(v));
    if (to.remoteTargets == null || !to.remoteTargets.isEmpty()) {
      federation.published(p, to.remoteTargets);
    }
    Delta d = p.previous() == null ? Delta.full(scene, v.number())
        : Delta.between(p.previous().scene(), p.previous().number(), scene, v.number());
    events.published(v, to.deliverTo, d);
    ObjectNode out = Json.object();
    out.put("scene", scene.id()).put("version", v.number());
    ArrayNode targets = out.putArray("targets");
    to.deliverTo.forEach(targets::add);
    out.putObject("delta").put("added", d.added().size()).put("changed", d.changed().size())
        .put("removed", d.removed().size());
    r.json(201, out);
  }

  /** Counts a patch's top-level {@code upsert} with the streaming parser, as {@link #checkNodeCount} does. */
  private static int countUpserts(byte[] body) throws IOException {
    int n = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return 0;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean upsert = p.getCurrentName().equals("upsert");
        if (p.nextToken() == JsonToken.START_ARRAY && upsert) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            n++;
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      // Malformed: the full parse says where.
    }
    return n;
  }

  /** Counts {@code scene.nodes} with the streaming parser; 413 past {@link Limits#maxNodes}. */
  private void checkNodeCount(byte[] body) throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return; // not an object: the full parse names the problem
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean scene = p.getCurrentName().equals("scene");
        if (p.nextToken() != JsonToken.START_OBJECT || !scene) {
          p.skipChildren();
          continue;
        }
        String id = "";
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.getCurrentName();
          JsonToken value = p.nextToken();
          if (field.equals("id") && value == JsonToken.VALUE_STRING) {
            id = p.getText();
          } else if (field.equals("nodes") && value == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
              n++;
            }
          } else {
            p.skipChildren();
          }
        }
        if (n > maxNodes) {
          throw tooMany(id, n);
        }
      }
    } catch (JsonProcessingException e) {
      // Malformed: the full parse says where.
    }
  }

  private HubException tooMany(String scene, int nodes) {
    return new HubException(413, "scene \"" + scene + "\" has " + nodes + " nodes, over the limit of " + maxNodes
        + " per scene");
  }

  void list(Request r) throws IOException {
    ArrayNode a = Json.array();
    for (Version v : store.latestOfEach()) {
      a.add(SceneJson.header(v.scene()).put("version", v.number()).put("nodes", v.scene().nodes().size()));
    }
    r.json(200, Json.object().set("scenes", a));
  }

  void delta(Request r) throws IOException {
    String id = Ids.check("scene id", r.param("scene"));
    int from = r.query().wholeNumber("from", 0);
    if (store.latest(id) == null) {
      throw new HubException(404, "no scene \"" + id + "\"");
    }
    r.json(200, store.deltaJson(id, from));
  }
}
