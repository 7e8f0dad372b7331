package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak (the long one is bench/java FederationSoak): five hubs, each with a sender and a receiver that
 * fetches what each version names and acks it; each hub sends 20 versions, round by round. Every version reaches
 * every receiver, local and remote, and every ack comes back: counts, not times.
 */
class FederationSoakTest {
  static final int HUBS = 5;
  static final int SENDS = 20;

  @TempDir Path tmp;

  /** A receiver as the connectors are: on each version, the delta from the version it holds, its blobs, an ack. */
  static final class Receiver {
    final String id;
    /** Versions taken, per scene id. */
    final Map<String, Set<Integer>> taken = new ConcurrentHashMap<>();

    Receiver(FedHub hub, String document) throws Exception {
      LiveLinkClient c = new LiveLinkClient(hub.hub.port(), hub.hub.token());
      id = hub.register("Blender", document, "receiver");
      Map<String, Integer> held = new HashMap<>();
      Thread t = new Thread(() -> {
        try {
          c.events(id, (name, data) -> {
            if (!name.equals("version")) {
              return;
            }
            String scene = data.path("scene").asText();
            int version = data.path("version").asInt();
            JsonNode d = c.delta(scene, held.getOrDefault(scene, 0));
            List<String> meshes = new ArrayList<>();
            d.path("added").forEach(n -> meshes.add(n.path("mesh").asText()));
            d.path("changed").forEach(n -> meshes.add(n.path("node").path("mesh").asText()));
            c.fetchBlobs(meshes);
            held.put(scene, d.path("to").asInt());
            taken.computeIfAbsent(scene, k -> ConcurrentHashMap.newKeySet()).add(version);
            c.ack(scene, version, id, true, "", Json.object().put("total_ms", 1.0));
          });
        } catch (RuntimeException e) {
          // The stream ended with its hub.
        }
      }, "receiver-" + id);
      t.setDaemon(true);
      t.start();
    }
  }

  @Test
  void everyVersionOfFiveHubsReachesEveryReceiverAndEveryAckComesBack() throws Exception {
    List<FedHub> hubs = new ArrayList<>();
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"))) {
      List<Receiver> receivers = new ArrayList<>();
      List<String> senders = new ArrayList<>();
      for (int i = 0; i < HUBS; i++) {
        FedHub h = new FedHub(tmp.resolve("hub" + i), FedHub.config(nats.url(), "machine-" + i));
        hubs.add(h);
        h.awaitFederation(f -> f.path("ready").asBoolean());
        receivers.add(new Receiver(h, "soak-" + i + ".blend"));
        senders.add(h.register("FreeCAD", "Doc", "sender"));
      }
      for (FedHub h : hubs) {
        for (Receiver r : receivers) {
          FederationTest.awaitRemotePeer(h, r.id); // listed everywhere, local or remote: every version goes to all
        }
      }

      Map<Integer, List<Integer>> published = new LinkedHashMap<>(); // hub -> its versions
      for (int round = 1; round <= SENDS; round++) {
        for (int i = 0; i < HUBS; i++) {
          Map<String, String> nodes = new LinkedHashMap<>();
          nodes.put("Base", hubs.get(i).putBlob(FederationTest.box(1000 + i)));
          nodes.put("Edited", hubs.get(i).putBlob(FederationTest.box(round * 10 + i)));
          JsonNode p = hubs.get(i).publish(FederationTest.scene("Doc", nodes), senders.get(i), null);
          assertThat(p.path("targets")).hasSize(HUBS);
          published.computeIfAbsent(i, k -> new ArrayList<>()).add(p.path("version").asInt());
        }
        // Round by round, as people edit: the stream keeps the latest version of each scene, not a backlog.
        for (int i = 0; i < HUBS; i++) {
          int v = published.get(i).get(round - 1);
          JsonNode acks = hubs.get(i).get("scenes/Doc/versions/" + v + "/acks?wait="
              + FedHub.WATCHDOG.toMillis());
          assertThat(acks.path("complete").asBoolean()).as("acks of hub %d's version %d: %s", i, v, acks).isTrue();
          assertThat(acks.path("acks")).hasSize(HUBS);
        }
      }

      for (int r = 0; r < HUBS; r++) {
        for (int i = 0; i < HUBS; i++) {
          String scene = i == r ? "Doc" : hubs.get(i).federation().path("hub").asText() + ":Doc";
          assertThat(receivers.get(r).taken.get(scene)).as("receiver %d, versions of hub %d", r, i)
              .hasSize(SENDS);
        }
      }
      for (FedHub h : hubs) {
        // A hub counts a version sent once JetStream's ack has come back and the outbox has let it go, which can be
        // after the other hubs took it and their acks came back: wait for that, then check the counts exactly.
        JsonNode f = h.awaitFederation(s -> s.path("sent").asInt() >= SENDS && s.path("outbox").asInt() == 0);
        assertThat(f.path("sent").asInt()).isEqualTo(SENDS);
        assertThat(f.path("received").asInt()).isEqualTo((HUBS - 1) * SENDS);
        assertThat(f.path("outbox").asInt()).isZero();
      }
    } finally {
      hubs.forEach(FedHub::close);
    }
  }
}
