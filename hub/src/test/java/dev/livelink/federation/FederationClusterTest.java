package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3-node NATS cluster with replicated stream and buckets: one node killed during sends loses nothing. */
class FederationClusterTest {
  @TempDir Path tmp;

  @Test
  void aNodeKilledDuringSendsLosesNothingAcknowledged() throws Exception {
    int[] client = {NatsServer.freePort(), NatsServer.freePort(), NatsServer.freePort()};
    int[] route = {NatsServer.freePort(), NatsServer.freePort(), NatsServer.freePort()};
    StringBuilder routes = new StringBuilder();
    for (int r : route) {
      routes.append(routes.length() == 0 ? "" : ", ").append("\"nats-route://127.0.0.1:").append(r).append('"');
    }
    List<NatsServer> nodes = new ArrayList<>();
    StringBuilder urls = new StringBuilder();
    FedHub a = null;
    FedHub b = null;
    try {
      for (int i = 0; i < 3; i++) {
        Path conf = NatsServer.write(tmp.resolve("n" + i + ".conf"), "server_name: n" + i + "\n"
            + "cluster { name: livelink\n listen: 127.0.0.1:" + route[i] + "\n routes: [" + routes + "] }\n");
        nodes.add(new NatsServer(tmp.resolve("n" + i), client[i], "-c", conf.toString()));
        urls.append(i == 0 ? "" : ",").append("nats://127.0.0.1:").append(client[i]);
      }
      a = new FedHub(tmp.resolve("a"), cluster(urls.toString(), "machine-a"));
      b = new FedHub(tmp.resolve("b"), cluster(urls.toString(), "machine-b"));
      a.awaitFederation(f -> f.path("ready").asBoolean());
      b.awaitFederation(f -> f.path("ready").asBoolean());
      String blender = b.register("Blender", "file.blend", "both");
      b.events(blender);
      String freecad = a.register("FreeCAD", "Doc", "sender");
      FederationTest.awaitRemotePeer(a, blender);

      Map<String, String> last = new LinkedHashMap<>();
      for (int i = 1; i <= 30; i++) {
        if (i == 11) {
          nodes.get(0).kill();
        }
        String scene = "Part" + (i % 3);
        String hash = a.putBlob(FederationTest.box(i));
        a.publish(FederationTest.scene(scene, Map.of("Body", hash)), freecad, null);
        last.put(scene, hash);
      }
      a.awaitFederation(f -> f.path("outbox").asInt() == 0 && f.path("sent").asInt() == 30);
      String hub = a.hub.federation().status().path("hub").asText();
      for (Map.Entry<String, String> e : last.entrySet()) {
        String id = hub + ":" + e.getKey();
        long deadline = System.nanoTime() + FedHub.WATCHDOG.toNanos();
        while (!meshOf(b, id).equals(e.getValue())) {
          assertThat(System.nanoTime()).as(id + " never reached its latest version on B").isLessThan(deadline);
          Thread.sleep(50); // B applies what JetStream kept; polled with a watchdog
        }
        assertThat(Sha256.hex(b.blob(e.getValue()))).isEqualTo(e.getValue());
      }
      assertThat(MeshBlob.decode(b.blob(last.get("Part0"))).vertexCount()).isEqualTo(4);
    } finally {
      if (b != null) b.close();
      if (a != null) a.close();
      nodes.forEach(NatsServer::close);
    }
  }

  private static String meshOf(FedHub hub, String scene) throws Exception {
    for (JsonNode s : hub.get("scenes").path("scenes")) {
      if (s.path("id").asText().equals(scene)) {
        return hub.get("scenes/" + scene + "/delta?from=0").path("added").get(0).path("mesh").asText();
      }
    }
    return "";
  }

  private static FederationConfig cluster(String urls, String host) {
    return new FederationConfig(FederationConfig.parseServers(urls), "test", null, null, null, null, null, false,
        host, 3, Duration.ofSeconds(6));
  }
}
