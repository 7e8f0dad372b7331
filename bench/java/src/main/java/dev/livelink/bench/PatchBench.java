package dev.livelink.bench;

import dev.livelink.hub.Hub;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A one-node edit published whole ({@code POST /v1/scenes}) and as a patch ({@code POST /v1/scenes/{id}/versions}),
 * alternately in the same run, for scenes of 410 and 4,000 nodes whose blobs are on the hub: client-observed (the
 * SDK's encoding and diff included) and the hub's own Server-Timing. The edit moves one node; the caller keeps the
 * other Node objects, as a connector that reuses them does.
 *
 * <p>Usage: bench/java-bench PatchBench [runs]
 */
public final class PatchBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
    Path home = Files.createTempDirectory("livelink-patch-bench-");
    try (Hub hub = Hub.create(home, 0).start()) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      List<MeshData> meshes = new ArrayList<>();
      for (int i = 0; i < 410; i++) {
        meshes.add(HubBench.grid(i));
      }
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      c.upload(blobs, null);
      List<String> hashes = new ArrayList<>(blobs.keySet());
      System.out.printf("one-node edit, blobs on the hub; %d timed runs of each, alternating, medians; load %s%n",
          runs, loadAverage());
      System.out.println("nodes  publish   client-observed   hub's own   of which read   store");
      for (int n : new int[] {410, 4000}) {
        Edits e = new Edits(c, "bench" + n, hashes, n);
        // Warm the JIT on both paths before timing.
        for (int i = 0; i < (n > 1000 ? 150 : 600); i++) {
          e.whole();
          e.patch();
        }
        double[][] whole = new double[4][runs];
        double[][] patch = new double[4][runs];
        for (int i = 0; i < runs; i++) {
          if (i % 2 == 0) {
            e.record(whole, i, e.whole());
            e.record(patch, i, e.patch());
          } else {
            e.record(patch, i, e.patch());
            e.record(whole, i, e.whole());
          }
        }
        print(n, "whole", whole);
        print(n, "patch", patch);
      }
    } finally {
      try (var s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void print(int n, String how, double[][] m) {
    System.out.printf("%5d  %-7s %10.2f ms %12.2f ms %10.2f ms %8.2f ms%n", n, how, Stats.median(m[0]),
        Stats.median(m[1]), Stats.median(m[2]), Stats.median(m[3]));
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** One scene edited one node at a time; the other nodes stay the same objects. */
  private static final class Edits {
    final LiveLinkClient c;
    final String id;
    final List<Node> nodes = new ArrayList<>();
    int edit;

    Edits(LiveLinkClient c, String id, List<String> hashes, int n) {
      this.c = c;
      this.id = id;
      Material red = Material.of("red", 1, 0, 0, 1);
      for (int i = 0; i < n; i++) {
        nodes.add(new Node("Part" + i, "Part " + i, null, Transform.translation(i * 150.0, 0, 0),
            hashes.get(i % hashes.size()), List.of(red), true));
      }
      c.publishWhole(scene(), List.of(), null);
    }

    Scene scene() {
      return new Scene(id, id, "bench", Units.MM, UpAxis.Z, nodes);
    }

    private void move() {
      int i = (7 + 13 * edit) % nodes.size();
      Node o = nodes.get(i);
      nodes.set(i, new Node(o.id(), o.name(), o.parent(), Transform.translation(i * 150.0, ++edit, 0), o.mesh(),
          o.materials(), o.visible()));
    }

    double whole() {
      move();
      long t = System.nanoTime();
      c.publishWhole(scene(), List.of(), null);
      return (System.nanoTime() - t) / 1e6;
    }

    double patch() {
      move();
      long t = System.nanoTime();
      c.publish(scene(), List.of(), null);
      double ms = (System.nanoTime() - t) / 1e6;
      if (!c.lastPublishWasPatch()) {
        throw new IllegalStateException("the edit went whole, not as a patch");
      }
      return ms;
    }

    void record(double[][] m, int i, double clientMs) {
      m[0][i] = clientMs;
      m[1][i] = c.lastServerMillis();
      m[2][i] = c.lastServerMillis("read");
      m[3][i] = c.lastServerMillis("store");
    }
  }
}
