package dev.livelink.export;

import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A scene made safe to write: what cannot be written is left out, each with a message naming the node, so one bad
 * node does not cost the file. A mesh with no faces, or with a coordinate that is not a finite number, is dropped
 * and its node kept as an empty (its children stay where they are); a node whose placement is not finite (scales
 * that overflow along its parents) is dropped, and with it its children, whose placement is not finite either.
 *
 * @param scene the scene to hand to {@link Exports#write}
 * @param skipped one message per node left out or emptied, in scene order
 */
public record Prepared(Scene scene, List<String> skipped) {
  public Prepared {
    skipped = List.copyOf(skipped);
  }

  /** @param meshes the decoded mesh for each hash the scene names (null for one that is missing) */
  public static Prepared of(Scene scene, Function<String, MeshData> meshes) {
    Map<String, double[]> world = Frame.world(scene);
    List<String> skipped = new ArrayList<>();
    List<Node> kept = new ArrayList<>();
    boolean changed = false;
    for (Node n : scene.nodes()) {
      // A parent's overflow reaches every child's world matrix (inf times anything is inf or NaN): they go too.
      if (!finite(world.get(n.id()))) {
        skipped.add("node \"" + n.id() + "\": its placement is not a finite number (its scales overflow); skipped");
        changed = true;
        continue;
      }
      String why = n.mesh() == null || !n.visible() ? null : problem(meshes.apply(n.mesh()));
      if (why != null) {
        skipped.add("node \"" + n.id() + "\": its mesh " + why + "; skipped");
        kept.add(new Node(n.id(), n.name(), n.parent(), n.transform(), null, n.materials(), n.visible()));
        changed = true;
      } else {
        kept.add(n);
      }
    }
    return new Prepared(changed ? new Scene(scene.id(), scene.name(), scene.source(), scene.units(), scene.up(),
        kept) : scene, skipped);
  }

  /** Why a mesh cannot be written, or null. A missing mesh is the writers' business (written without geometry). */
  private static String problem(MeshData m) {
    if (m == null) {
      return null;
    }
    if (m.triangleCount() == 0) {
      return "has no faces";
    }
    for (float v : m.positions()) {
      if (!Float.isFinite(v)) {
        return "holds a coordinate that is not a finite number (" + v + ")";
      }
    }
    return null;
  }

  private static boolean finite(double[] m) {
    for (double v : m) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
