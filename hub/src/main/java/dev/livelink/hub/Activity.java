package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Target;
import dev.livelink.store.Version;
import dev.livelink.store.VersionHeader;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the hub's page shows of each send: per scene version, who sent it, to whom, and each receiver's ack with
 * its timings, as JSON records ready to go out as events. In memory, the latest {@link SceneStore#KEEP} versions of
 * each scene; after a restart the store's version headers stand in for what was not seen (no acks, no delta).
 *
 * <p>Used by one thread only (the page-events thread of {@link HubEvents}), so it takes no lock.
 */
final class Activity {
  /** A record of one version: the JSON sent to the page, and when each receiver was sent it (ms since 1970). */
  private record Send(ObjectNode json, Map<String, Long> sentAt) {}

  private final SceneStore store;
  private final Function<String, Peer> peers;
  private final Map<String, LinkedHashMap<Integer, Send>> scenes = new HashMap<>();

  Activity(SceneStore store, Function<String, Peer> peers) {
    this.store = store;
    this.peers = peers;
  }

  /** A publish: the version's record, with who sent it and to whom, as the page's {@code version} event. */
  ObjectNode published(Version v, Set<String> to, Delta d) {
    Send s = send(v.scene().id(), v.number());
    ObjectNode o = s.json();
    o.put("name", v.scene().name()).put("publishedAt", v.publishedAtMillis()).put("nodes", v.scene().nodes().size());
    o.set("sender", who(v.sender(), null));
    ArrayNode targets = o.putArray("targets");
    for (String id : to) {
      targets.add(who(id, null));
      s.sentAt().putIfAbsent(id, v.publishedAtMillis());
    }
    o.put("to", v.targets() == null ? "every receiver" : "chosen receivers");
    o.putObject("delta").put("added", d.added().size()).put("changed", d.changed().size())
        .put("removed", d.removed().size()).put("full", d.full());
    return o;
  }

  /**
   * A receiver's ack, with how long after the hub sent it the version the ack arrived ({@code ms}), as the page's
   * {@code ack} event.
   */
  ObjectNode acked(JsonNode ack, long atMillis) {
    String scene = ack.path("scene").asText();
    int version = ack.path("version").asInt();
    Send s = send(scene, version);
    if (!s.json().has("publishedAt")) {
      // A fast receiver's ack can reach this thread before its publish does: the acking peer was sent it then.
      Long published = fillFromStore(s, scene, version);
      if (published != null) {
        s.sentAt().putIfAbsent(ack.path("peer").asText(), published);
      }
    }
    ObjectNode a = ack.deepCopy();
    a.put("ackedAt", atMillis);
    Long sent = s.sentAt().get(a.path("peer").asText());
    if (sent != null) {
      a.put("ms", Math.max(0, atMillis - sent));
    }
    ((ObjectNode) s.json().path("acks")).set(a.path("peer").asText(), a);
    return a.deepCopy().put("nodes", s.json().path("nodes").asInt(-1)).put("name", s.json().path("name").asText());
  }

  /**
   * What the store says of a version not yet recorded here: when it was published and how many nodes it has.
   *
   * @return when it was published, or null when the store does not keep it
   */
  private Long fillFromStore(Send s, String scene, int version) {
    VersionHeader h = store.header(scene, version);
    if (h == null) {
      return null;
    }
    s.json().put("publishedAt", h.publishedAtMillis());
    Version latest = store.latest(scene);
    if (latest != null && latest.number() == version) {
      s.json().put("name", latest.scene().name()).put("nodes", latest.scene().nodes().size());
    }
    return h.publishedAtMillis();
  }

  /** The page re-sent a version to one receiver, as the page's {@code resend} event. */
  ObjectNode resent(String scene, int version, String peer, long atMillis) {
    Send s = send(scene, version);
    s.sentAt().put(peer, atMillis);
    ObjectNode r = Json.object().put("peer", peer).put("at", atMillis);
    r.set("who", who(peer, null));
    ((ArrayNode) s.json().path("resends")).add(r);
    return Json.object().put("scene", scene).put("version", version).setAll(r);
  }

  /** Every scene the store holds, with the records of its kept versions, newest first. */
  ArrayNode snapshot() {
    ArrayNode out = Json.array();
    for (Version latest : store.latestOfEach()) {
      String id = latest.scene().id();
      ObjectNode scene = SceneJson.header(latest.scene()).put("version", latest.number())
          .put("nodes", latest.scene().nodes().size());
      ArrayNode versions = scene.putArray("versions");
      LinkedHashMap<Integer, Send> seen = scenes.getOrDefault(id, new LinkedHashMap<>());
      for (int n = latest.number(); n > Math.max(0, latest.number() - SceneStore.KEEP); n--) {
        Send s = seen.get(n);
        if (s != null && s.json().has("publishedAt")) {
          versions.add(s.json());
          continue;
        }
        VersionHeader h = store.header(id, n);
        if (h != null) {
          versions.add(fromStore(h, n == latest.number() ? latest : null, s));
        }
      }
      out.add(scene);
    }
    return out;
  }

  /** A version this hub did not see published (it restarted since): what its stored header says. */
  private ObjectNode fromStore(VersionHeader h, Version v, Send seen) {
    ObjectNode o = Json.object().put("scene", h.scene()).put("version", h.number())
        .put("publishedAt", h.publishedAtMillis());
    if (v != null) {
      o.put("name", v.scene().name()).put("nodes", v.scene().nodes().size());
    }
    o.set("sender", who(h.sender(), null));
    ArrayNode targets = o.putArray("targets");
    if (h.targets() != null) {
      h.targets().forEach(t -> targets.add(who(t.peer(), t)));
    }
    o.put("to", h.targets() == null ? "every receiver" : "chosen receivers");
    o.set("acks", seen == null ? Json.object() : seen.json().path("acks"));
    o.set("resends", seen == null ? Json.array() : seen.json().path("resends"));
    return o;
  }

  /** A peer as the page names it: its id, and its app, version and document while it is (or was) known. */
  private ObjectNode who(String id, Target stored) {
    if (id == null) {
      return null;
    }
    ObjectNode o = Json.object().put("id", id);
    Peer p = peers.apply(id);
    if (p != null) {
      o.put("app", p.app()).put("appVersion", p.appVersion()).put("document", p.document());
    } else if (stored != null) {
      o.put("app", stored.app()).put("appVersion", "").put("document", stored.document());
    }
    return o;
  }

  private Send send(String scene, int version) {
    LinkedHashMap<Integer, Send> versions = scenes.computeIfAbsent(scene, k -> new LinkedHashMap<>());
    Send s = versions.get(version);
    if (s == null) {
      ObjectNode o = Json.object().put("scene", scene).put("version", version);
      o.putObject("acks");
      o.putArray("resends");
      s = new Send(o, new HashMap<>());
      versions.put(version, s);
      while (versions.size() > SceneStore.KEEP) {
        versions.remove(versions.keySet().iterator().next());
      }
    }
    return s;
  }
}
