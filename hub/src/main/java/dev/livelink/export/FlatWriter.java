package dev.livelink.export;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Formats without a hierarchy, so every mesh is written in world coordinates: OBJ (+ MTL) in metres with Y up, as
 * most OBJ readers assume, and binary STL in millimetres with Z up, as slicers assume.
 */
final class FlatWriter {
  private FlatWriter() {}

  static List<OutputFile> obj(Scene scene, Function<String, MeshData> meshes, String base) {
    Map<String, double[]> world = Frame.world(scene);
    double[] frame = Frame.sceneTo(scene, 1.0, true);
    StringBuilder obj = new StringBuilder("# livelink: ").append(scene.id()).append(", metres, Y up\n");
    obj.append("mtllib ").append(base).append(".mtl\n");
    StringBuilder mtl = new StringBuilder("# livelink materials\n");
    int vertexBase = 1;
    int materialCount = 0;
    for (Node n : scene.nodes()) {
      MeshData m = n.mesh() == null || !n.visible() ? null : meshes.apply(n.mesh());
      if (m == null || m.triangleCount() == 0) {
        continue;
      }
      double[] t = Frame.mul(frame, world.get(n.id()));
      obj.append("o ").append(n.name().replaceAll("\\s", "_")).append('\n');
      float[] p = m.positions();
      for (int i = 0; i < p.length; i += 3) {
        double[] v = apply(t, p[i], p[i + 1], p[i + 2], n);
        obj.append("v ");
        num(obj, v[0]).append(' ');
        num(obj, v[1]).append(' ');
        num(obj, v[2]).append('\n');
      }
      int[] idx = m.indices();
      int[] mi = m.materialIndex();
      int current = -1;
      for (int tri = 0; tri < idx.length / 3; tri++) {
        int slot = n.materials().isEmpty() ? -1 : Math.min(mi == null ? 0 : Math.max(mi[tri], 0),
            n.materials().size() - 1);
        if (slot != current && slot >= 0) {
          String name = "m" + (materialCount + slot);
          obj.append("usemtl ").append(name).append('\n');
          current = slot;
        }
        obj.append("f ").append(vertexBase + idx[3 * tri]).append(' ').append(vertexBase + idx[3 * tri + 1])
            .append(' ').append(vertexBase + idx[3 * tri + 2]).append('\n');
      }
      for (int s = 0; s < n.materials().size(); s++) {
        Material mat = n.materials().get(s);
        mtl.append(String.format(Locale.ROOT, "newmtl m%d%nKd %.6f %.6f %.6f%nd %.4f%n", materialCount + s,
            mat.color().r(), mat.color().g(), mat.color().b(), mat.color().a()));
      }
      materialCount += n.materials().size();
      vertexBase += m.vertexCount();
    }
    return List.of(new OutputFile(base + ".mtl", mtl.toString().getBytes(StandardCharsets.UTF_8)),
        new OutputFile(base + ".obj", obj.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static List<OutputFile> stl(Scene scene, Function<String, MeshData> meshes, String base) {
    Map<String, double[]> world = Frame.world(scene);
    double[] frame = Frame.sceneTo(scene, 1000.0, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int triangles = 0;
    ByteBuffer rec = ByteBuffer.allocate(50).order(ByteOrder.LITTLE_ENDIAN);
    for (Node n : scene.nodes()) {
      MeshData m = n.mesh() == null || !n.visible() ? null : meshes.apply(n.mesh());
      if (m == null) {
        continue;
      }
      double[] t = Frame.mul(frame, world.get(n.id()));
      float[] p = m.positions();
      int[] idx = m.indices();
      for (int tri = 0; tri < idx.length / 3; tri++) {
        double[][] v = new double[3][];
        for (int k = 0; k < 3; k++) {
          int i = 3 * idx[3 * tri + k];
          v[k] = apply(t, p[i], p[i + 1], p[i + 2], n);
        }
        double[] nrm = normal(v);
        rec.clear();
        // 50 bytes per triangle: normal, three vertices (float32 x, y, z each), a 2-byte attribute count of 0.
        rec.putFloat((float) nrm[0]).putFloat((float) nrm[1]).putFloat((float) nrm[2]);
        for (double[] c : v) {
          rec.putFloat((float) c[0]).putFloat((float) c[1]).putFloat((float) c[2]);
        }
        rec.putShort((short) 0);
        out.write(rec.array(), 0, 50);
        triangles++;
      }
    }
    ByteBuffer head = ByteBuffer.allocate(84).order(ByteOrder.LITTLE_ENDIAN);
    byte[] title = ("livelink " + scene.id() + ", millimetres, Z up").getBytes(StandardCharsets.US_ASCII);
    head.put(title, 0, Math.min(title.length, 80)).position(80);
    head.putInt(triangles);
    byte[] body = out.toByteArray();
    byte[] all = new byte[84 + body.length];
    System.arraycopy(head.array(), 0, all, 0, 84);
    System.arraycopy(body, 0, all, 84, body.length);
    return List.of(new OutputFile(base + ".stl", all));
  }

  private static double[] apply(double[] t, double x, double y, double z, Node n) {
    double[] v = {t[0] * x + t[1] * y + t[2] * z + t[3], t[4] * x + t[5] * y + t[6] * z + t[7],
        t[8] * x + t[9] * y + t[10] * z + t[11]};
    if (!Double.isFinite(v[0] + v[1] + v[2])) {
      throw new ExportException("node \"" + n.id() + "\": mesh holds a non-finite coordinate");
    }
    return v;
  }

  /** Six decimals without trailing zeros: OBJ files are read by people too. */
  /**
   * Appends {@code v} with at most six decimals and no trailing zeros: OBJ files are read by people too. By integer
   * arithmetic on micrometres, not String.format and a regex per number, which made a million-triangle OBJ take
   * 23 s instead of 3.
   */
  static StringBuilder num(StringBuilder b, double v) {
    double micro = Math.rint(v * 1e6);
    if (!(Math.abs(micro) < 1e18)) {
      // Past what a long holds (or not finite: the caller refused those): the slow way.
      String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("\\.?0+$", "");
      return b.append(s.equals("-0") ? "0" : s);
    }
    long m = (long) micro;
    if (m < 0) {
      b.append('-');
      m = -m;
    }
    b.append(m / 1_000_000);
    long frac = m % 1_000_000;
    if (frac != 0) {
      int digits = 6;
      while (frac % 10 == 0) {
        frac /= 10;
        digits--;
      }
      b.append('.');
      String f = Long.toString(frac);
      for (int i = f.length(); i < digits; i++) {
        b.append('0');
      }
      b.append(f);
    }
    return b;
  }

  private static double[] normal(double[][] v) {
    double ax = v[1][0] - v[0][0], ay = v[1][1] - v[0][1], az = v[1][2] - v[0][2];
    double bx = v[2][0] - v[0][0], by = v[2][1] - v[0][1], bz = v[2][2] - v[0][2];
    double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
    double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    return len == 0 ? new double[3] : new double[] {nx / len, ny / len, nz / len};
  }
}
