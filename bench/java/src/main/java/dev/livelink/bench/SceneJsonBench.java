package dev.livelink.bench;

import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.wire.EncodedScene;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writing a 410-node scene's JSON, as the hub stores a version ({@link EncodedScene}) and as the SDK publishes one
 * (a tree, then bytes): the bench's scene (identity placements, as FederationBench and HubBench send) and one placed
 * like a CAD assembly (rotations about Z, positions in mm with decimals). Usage: SceneJsonBench [rounds=301];
 * medians, one thread.
 */
public final class SceneJsonBench {
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 301;
    for (boolean placed : new boolean[] {false, true}) {
      Scene s = scene(placed);
      double[] store = new double[rounds];
      double[] sdk = new double[rounds];
      long size = 0;
      for (int k = -rounds; k < rounds; k++) { // as many warm-up rounds as timed ones
        long t = System.nanoTime();
        size = EncodedScene.encode(s, null).json().length;
        long u = System.nanoTime();
        Json.bytes(SceneJson.write(s));
        long v = System.nanoTime();
        if (k >= 0) {
          store[k] = (u - t) / 1e3;
          sdk[k] = (v - u) / 1e3;
        }
      }
      System.out.printf("%s: %d bytes; the store's encoding %.0f µs, the SDK's tree and bytes %.0f µs%n",
          placed ? "placed as an assembly" : "identity placements", size, Stats.median(store), Stats.median(sdk));
    }
  }

  static Scene scene(boolean placed) {
    Random r = new Random(410);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < HubBench.NODES; i++) {
      Transform t = Transform.IDENTITY;
      if (placed) {
        double a = r.nextDouble() * 2 * Math.PI;
        double c = Math.cos(a);
        double s = Math.sin(a);
        t = Transform.of(c, -s, 0, Math.round(r.nextDouble() * 1e5) / 100.0, s, c, 0,
            Math.round(r.nextDouble() * 1e5) / 100.0, 0, 0, 1, 0, 0, 0, 0, 1);
      }
      nodes.add(new Node("n" + i, "Part " + i, null, t, String.format("%064x", i),
          List.of(Material.of("m", 0.8, 0.2, 0.1, 1)), true));
    }
    return new Scene("s", "s", "bench", Units.MM, UpAxis.Z, nodes);
  }

  private SceneJsonBench() {}
}
