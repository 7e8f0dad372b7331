package dev.livelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.hub.Limits;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.ClientException;
import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A scene at the node limit, against a hub process of its own: publishing it, keeping 20 versions of it, and
 * restarting with them; then one node more, which is refused. Nodes share 100 meshes (instances), so the figures are
 * the scene's, not its blobs'.
 *
 * <p>Usage: {@code bench/java-bench BigSceneBench [nodes]} (default: the limit, 100,000).
 */
public final class BigSceneBench {
  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : Limits.DEFAULTS.maxNodes;
    Path home = Files.createTempDirectory("livelink-big-");
    try (HubLoad.HubProcess hub = new HubLoad.HubProcess(home)) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      List<MeshData> meshes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        meshes.add(HubBench.grid(i));
      }
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      c.upload(blobs, null);
      List<String> hashes = new ArrayList<>(blobs.keySet());
      long heapBefore = hub.memory();
      double[] publish = new double[20];
      double[] hubPublish = new double[20];
      for (int v = 0; v < 20; v++) {
        Scene s = scene("big", nodes, hashes, v);
        long t = System.nanoTime();
        c.publish(s, List.of(), null);
        publish[v] = (System.nanoTime() - t) / 1e6;
        hubPublish[v] = c.lastServerMillis();
      }
      long heapAfter = hub.memory();
      long disk;
      try (Stream<Path> files = Files.walk(home.resolve("store/scenes"))) {
        disk = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      long t = System.nanoTime();
      JsonNode delta = c.delta("big", 19);
      double deltaMs = (System.nanoTime() - t) / 1e6;
      hub.stop();
      t = System.nanoTime();
      hub.start();
      double restartMs = (System.nanoTime() - t) / 1e6;
      c = new LiveLinkClient(hub.port(), hub.token());
      long heapRestarted = hub.memory();
      t = System.nanoTime();
      JsonNode oldDelta = c.delta("big", 1);
      double oldDeltaMs = (System.nanoTime() - t) / 1e6;
      String refused;
      t = System.nanoTime();
      try {
        c.publish(scene("big", nodes + 1, hashes, 99), List.of(), null);
        refused = "accepted (under the limit)";
      } catch (ClientException e) {
        refused = "refused: " + e.getMessage();
      }
      double refusedMs = (System.nanoTime() - t) / 1e6;
      System.out.printf("scene of %,d nodes, 20 versions (each moves every node), hub in a process of its own%n",
          nodes);
      System.out.printf("publish: median %.0f ms client-observed, %.0f ms the hub's own%n", Stats.median(publish),
          Stats.median(hubPublish));
      System.out.printf("hub heap after a full collection: %.0f MB before, %.0f MB with 20 versions kept%n",
          heapBefore / 1e6, heapAfter / 1e6);
      System.out.printf("on disk: %.0f MB for 20 versions (%.1f MB each)%n", disk / 1e6, disk / 20e6);
      System.out.printf("delta from the version before the latest: %.0f ms (%d changed)%n", deltaMs,
          delta.path("changed").size());
      System.out.printf("restart (process start to hub.json, the store read): %.0f ms; heap then %.0f MB%n",
          restartMs, heapRestarted / 1e6);
      System.out.printf("delta from version 1, read from disk after the restart: %.0f ms (full: %s)%n", oldDeltaMs,
          oldDelta.path("full").asBoolean());
      System.out.printf("%,d nodes: %s, in %.0f ms%n", nodes + 1, refused, refusedMs);
    } finally {
      try (var s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Scene scene(String id, int n, List<String> hashes, int salt) {
    List<Node> nodes = new ArrayList<>(n);
    Material grey = Material.of("grey", 0.5, 0.5, 0.5, 1);
    for (int i = 0; i < n; i++) {
      nodes.add(new Node("Part" + i, "Part " + i, null, Transform.translation(i % 1000, i / 1000, salt),
          hashes.get(i % hashes.size()), List.of(grey), true));
    }
    return new Scene(id, id, "bench", Units.MM, UpAxis.Z, nodes);
  }
}
