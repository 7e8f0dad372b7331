package dev.livelink.export;

import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import java.util.HashMap;
import java.util.Map;

/** World transforms of a scene's nodes, and the matrix that takes scene coordinates to an output frame. */
final class Frame {
  private Frame() {}

  /** Row-major 4x4 product a * b. */
  static double[] mul(double[] a, double[] b) {
    double[] r = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += a[i * 4 + k] * b[k * 4 + j];
        }
        r[i * 4 + j] = s;
      }
    }
    return r;
  }

  /** Scene coordinates to {@code scale} metres-per-output-unit with Y up (yUp) or Z up. */
  static double[] sceneTo(Scene scene, double outputUnitsPerMetre, boolean yUp) {
    double s = scene.units().metres() * outputUnitsPerMetre;
    boolean sceneYUp = scene.up() == UpAxis.Y;
    double[] scale = {s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1};
    if (sceneYUp == yUp) {
      return scale;
    }
    // Z-up to Y-up: (x, y, z) -> (x, z, -y); Y-up to Z-up is its inverse.
    double[] turn = yUp ? new double[] {1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1}
        : new double[] {1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    return mul(turn, scale);
  }

  /** Each node's transform to the scene's root (product along its parents), memoised. */
  static Map<String, double[]> world(Scene scene) {
    Map<String, Node> byId = scene.byId();
    Map<String, double[]> out = new HashMap<>();
    for (Node n : scene.nodes()) {
      world(n, byId, out, 0);
    }
    return out;
  }

  private static double[] world(Node n, Map<String, Node> byId, Map<String, double[]> out, int depth) {
    double[] w = out.get(n.id());
    if (w != null) {
      return w;
    }
    if (depth > byId.size()) {
      throw new ExportException("node \"" + n.id() + "\" is its own ancestor");
    }
    double[] local = n.transform().toArray();
    Node parent = n.parent() == null ? null : byId.get(n.parent());
    w = parent == null ? local : mul(world(parent, byId, out, depth + 1), local);
    out.put(n.id(), w);
    return w;
  }

  static boolean isIdentity(Transform t) {
    return t.equals(Transform.IDENTITY);
  }
}
