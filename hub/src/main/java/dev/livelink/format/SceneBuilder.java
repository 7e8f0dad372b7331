package dev.livelink.format;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Sha256;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns parts read from files into one scene in the canonical frame (right-handed, Z up) plus its mesh blobs.
 * A Y-up source is rotated by C: (x, y, z) -> (x, -z, y); meshes get C, transforms become C T C^-1, so world
 * positions become C times what they were.
 */
public final class SceneBuilder {
  /** A scene and the blobs its nodes reference, by hash. */
  public record Built(Scene scene, Map<String, byte[]> blobs, int triangles) {}

  private SceneBuilder() {}

  /**
   * @param files parts per source file
   * @param fileKeys one id-safe key per file (its name): node ids are "key:part", so they stay the same when the
   *     same file is sent again alone or with others
   */
  public static Built build(String sceneId, String name, String source, Units units, UpAxis up,
      List<List<Part>> files, List<String> fileKeys) {
    List<Node> nodes = new ArrayList<>();
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    Map<MeshData, String> hashes = new IdentityHashMap<>();
    int triangles = 0;
    for (int f = 0; f < files.size(); f++) {
      String prefix = fileKeys.get(f).replaceAll("[^A-Za-z0-9_.\\-]", "_") + ":";
      for (Part p : files.get(f)) {
        String hash = null;
        if (p.mesh() != null) {
          hash = hashes.get(p.mesh());
          if (hash == null) {
            byte[] blob = MeshBlob.encode(up == UpAxis.Y ? yUpToZUp(p.mesh()) : p.mesh());
            hash = Sha256.hex(blob);
            hashes.put(p.mesh(), hash);
            blobs.put(hash, blob);
          }
          triangles += p.mesh().triangleCount();
        }
        Transform t = up == UpAxis.Y ? conjugate(p.transform()) : p.transform();
        nodes.add(new Node(prefix + p.id(), p.name(), p.parent() == null ? null : prefix + p.parent(), t, hash,
            p.materials(), true));
      }
    }
    return new Built(new Scene(sceneId, name, source, units, UpAxis.Z, nodes), blobs, triangles);
  }

  static MeshData yUpToZUp(MeshData m) {
    return new MeshData(rotate(m.positions()), m.indices(), m.normals() == null ? null : rotate(m.normals()),
        m.materialIndex());
  }

  private static float[] rotate(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i += 3) {
      out[i] = v[i];
      out[i + 1] = 0f - v[i + 2]; // 0 - 0 is +0, so no -0 appears in bounds
      out[i + 2] = v[i + 1];
    }
    return out;
  }

  /** C T C^-1 with C the Y-up to Z-up rotation. */
  static Transform conjugate(Transform t) {
    if (t.equals(Transform.IDENTITY)) {
      return t;
    }
    double[][] c = {{1, 0, 0, 0}, {0, 0, -1, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}};
    double[][] ci = {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, -1, 0, 0}, {0, 0, 0, 1}};
    double[] m = t.toArray();
    double[] out = new double[16];
    for (int r = 0; r < 4; r++) {
      for (int col = 0; col < 4; col++) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            s += c[r][i] * m[i * 4 + j] * ci[j][col];
          }
        }
        out[r * 4 + col] = s;
      }
    }
    return Transform.of(out);
  }
}
