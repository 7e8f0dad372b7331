package dev.livelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.federation.FederationConfig;
import dev.livelink.federation.NatsLink;
import dev.livelink.hub.Hub;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hub A → NATS → hub B → receiver, over loopback with a real nats-server: the latency a one-part edit of the
 * 410-node scene adds over the local path (receiver on hub A), and the throughput of the scene's first send
 * (410 new blobs) across. A "receiver" gets the version event, fetches the delta and the blobs it lacks.
 */
public final class FederationBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path dir = Files.createTempDirectory("livelink-fedbench-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process nats = new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", String.valueOf(port), "-sd",
        dir.resolve("nats").toString()).redirectErrorStream(true).start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread log = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(nats.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.contains("Server is ready")) ready.countDown();
        }
      } catch (java.io.IOException e) {
        // stopped
      }
    });
    log.setDaemon(true);
    log.start();
    if (!ready.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("nats-server did not start");
    String url = "nats://127.0.0.1:" + port;
    try (Hub a = federated(dir.resolve("a"), url, "bench-a"); Hub b = federated(dir.resolve("b"), url, "bench-b")) {
      LiveLinkClient ca = new LiveLinkClient(a.port(), a.token());
      LiveLinkClient cb = new LiveLinkClient(b.port(), b.token());
      String sender = ca.register("FreeCAD", "1.0", "Bench", "sender", List.of());
      Receiver localRx = new Receiver(a, ca, "local.blend");
      Receiver remoteRx = new Receiver(b, cb, "remote.blend");
      while (ca.peers().size() < 3) Thread.sleep(20); // B's receiver announced to A
      long bytes = 0;
      List<MeshData> meshes = new ArrayList<>();
      for (int i = 0; i < HubBench.NODES; i++) meshes.add(HubBench.grid(7_000_000 + i));
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      for (byte[] x : blobs.values()) bytes += x.length;
      List<String> hashes = new ArrayList<>(blobs.keySet());

      // First send: 410 new blobs across.
      ca.upload(blobs, null);
      long t = System.nanoTime();
      ca.publish(scene(hashes), List.of(), sender);
      localRx.await("Bench");
      double local = (System.nanoTime() - t) / 1e6;
      remoteRx.await(":Bench");
      double first = (System.nanoTime() - t) / 1e6;

      // One-part edits: the time from upload + publish on A to each receiver holding the delta and the blob.
      double[] localEdit = new double[runs];
      double[] remoteEdit = new double[runs];
      for (int i = 0; i < runs + 3; i++) {
        Map<String, byte[]> one = LiveLinkClient.blobs(List.of(HubBench.grid(9_000_000 + i)));
        hashes.set(0, one.keySet().iterator().next());
        long s = System.nanoTime();
        ca.upload(one, null);
        ca.publish(scene(hashes), List.of(), sender);
        localRx.await("Bench");
        double l = (System.nanoTime() - s) / 1e6;
        remoteRx.await(":Bench");
        double r = (System.nanoTime() - s) / 1e6;
        if (i >= 3) {
          localEdit[i - 3] = l;
          remoteEdit[i - 3] = r;
        }
      }
      JsonNode fa = ca.status().path("federation");
      System.out.printf("410-node scene, %d blobs, %.2f MB; %d timed edits, median%n", hashes.size(), bytes / 1e6,
          runs);
      System.out.printf("first send, receiver on A (local)      %8.1f ms%n", local);
      System.out.printf("first send, receiver on B (via NATS)   %8.1f ms  = %.1f MB/s of blobs%n", first,
          bytes / 1e6 / (first / 1000));
      System.out.printf("one-part edit, local                   %8.2f ms%n", Stats.median(localEdit));
      System.out.printf("one-part edit, via NATS                %8.2f ms  (+%.2f ms)%n", Stats.median(remoteEdit),
          Stats.median(remoteEdit) - Stats.median(localEdit));
      System.out.printf("A uploaded %d blobs to the object store%n", fa.path("blobsUploaded").asLong());
    } finally {
      nats.destroy();
      nats.waitFor();
    }
  }

  static Hub federated(Path home, String url, String host) throws Exception {
    FederationConfig c = new FederationConfig(FederationConfig.parseServers(url), "bench", null, null, null, null,
        null, false, host, 1, Duration.ofSeconds(15));
    Hub h = Hub.create(home, 0).federate(NatsLink.factory(home, c)).start();
    LiveLinkClient cl = new LiveLinkClient(h.port(), h.token());
    while (!cl.status().path("federation").path("ready").asBoolean()) Thread.sleep(20);
    return h;
  }

  static Scene scene(List<String> hashes) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < hashes.size(); i++) {
      nodes.add(new Node("n" + i, "Part " + i, null, Transform.IDENTITY, hashes.get(i),
          List.of(Material.of("m", 0.8, 0.2, 0.1, 1)), true));
    }
    return new Scene("Bench", "Bench", "bench", Units.MM, UpAxis.Z, nodes);
  }

  /** A receiver: on each version event, fetches the delta and the blobs it lacks, then hands the scene id on. */
  static final class Receiver {
    final BlockingQueue<String> done = new LinkedBlockingQueue<>();
    final java.util.Set<String> have = new java.util.HashSet<>();

    Receiver(Hub hub, LiveLinkClient c, String document) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String id = c.register("Blender", "4.3", document, "receiver", List.of());
      Map<String, Integer> held = new java.util.HashMap<>();
      Thread t = new Thread(() -> c.events(id, (name, data) -> {
        if (!name.equals("version")) return;
        String scene = data.path("scene").asText();
        JsonNode d = c.delta(scene, held.getOrDefault(scene, 0));
        List<String> need = new ArrayList<>();
        for (String k : List.of("added", "changed")) {
          for (JsonNode n : d.path(k)) {
            JsonNode node = k.equals("added") ? n : n.path("node");
            String h = node.path("mesh").asText();
            if (!h.isEmpty() && have.add(h)) need.add(h);
          }
        }
        if (!need.isEmpty()) {
          // The blobs it lacks, in one request, as the connectors fetch them.
          com.fasterxml.jackson.databind.node.ObjectNode q = dev.livelink.wire.Json.object();
          need.forEach(q.putArray("hashes")::add);
          try {
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + hub.port()
                + "/v1/blobs/fetch")).header("Authorization", "Bearer " + hub.token())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(dev.livelink.wire.Json.bytes(q))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
          } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        held.put(scene, d.path("to").asInt());
        done.add(scene);
      }));
      t.setDaemon(true);
      t.start();
    }

    void await(String sceneSuffix) throws InterruptedException {
      while (true) {
        String s = done.poll(60, TimeUnit.SECONDS);
        if (s == null) throw new IllegalStateException("no version arrived within 60 s");
        if (s.endsWith(sceneSuffix)) return;
      }
    }
  }
}
