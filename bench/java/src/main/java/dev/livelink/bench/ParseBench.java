package dev.livelink.bench;

import de.javagl.obj.Obj;
import de.javagl.obj.ObjReader;
import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Parse throughput of livelink's OBJ, binary STL and binary PLY readers on generated files of about 110 MB,
 * against de.javagl:obj on the same OBJ in the same run. One thread. Prints medians and the ratio.
 */
public final class ParseBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "bench/out");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Files.createDirectories(dir);
    Path obj = dir.resolve("grid.obj");
    Path stl = dir.resolve("grid.stl");
    Path ply = dir.resolve("grid.ply");
    int n = 800; // (n+1)^2 vertices and n^2 quads per layer: about 42 MB of OBJ text
    int layers = 3;
    if (!Files.exists(obj)) writeObj(obj, n, layers);
    if (!Files.exists(stl)) writeStl(stl, 2_200_000);
    if (!Files.exists(ply)) writePly(ply, n, layers);
    System.out.printf("files: obj %.1f MB, stl %.1f MB, ply %.1f MB; %d timed runs each, median%n",
        mb(obj), mb(stl), mb(ply), runs);
    double[] ours = Stats.time(2, runs, () -> check(Formats.read(obj)));
    if (args.length > 2 && args[2].equals("obj-only")) {
      System.out.printf("OBJ  livelink %7.1f ms  %6.0f MB/s%n", Stats.median(ours), mb(obj) / (Stats.median(ours) / 1000));
      return;
    }
    double[] javagl = Stats.time(1, runs, () -> {
      try (InputStream in = Files.newInputStream(obj)) {
        Obj o = ObjReader.read(in);
        if (o.getNumFaces() == 0) throw new IllegalStateException();
      }
    });
    double[] stlT = Stats.time(2, runs, () -> check(Formats.read(stl)));
    double[] plyT = Stats.time(2, runs, () -> check(Formats.read(ply)));
    double o = Stats.median(ours);
    double j = Stats.median(javagl);
    System.out.printf("OBJ  livelink %7.1f ms  %6.0f MB/s%n", o, mb(obj) / (o / 1000));
    System.out.printf("OBJ  javagl   %7.1f ms  %6.0f MB/s   livelink/javagl speed = %.1fx%n", j,
        mb(obj) / (j / 1000), j / o);
    System.out.printf("STL  livelink %7.1f ms  %6.0f MB/s (binary)%n", Stats.median(stlT),
        mb(stl) / (Stats.median(stlT) / 1000));
    System.out.printf("PLY  livelink %7.1f ms  %6.0f MB/s (binary little-endian)%n", Stats.median(plyT),
        mb(ply) / (Stats.median(plyT) / 1000));
  }

  private static void check(List<Part> parts) {
    if (parts.isEmpty() || parts.get(0).mesh().triangleCount() == 0) throw new IllegalStateException();
  }

  private static double mb(Path p) throws Exception {
    return Files.size(p) / 1e6;
  }

  /** Layers of wavy grids, as a CAD or scan export writes them: "v x y z" with 6 decimals, quad faces. */
  static void writeObj(Path p, int n, int layers) throws Exception {
    Random r = new Random(1);
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII)) {
      int base = 0;
      for (int l = 0; l < layers; l++) {
        w.write("o layer" + l + "\n");
        for (int i = 0; i <= n; i++) {
          for (int k = 0; k <= n; k++) {
            w.write(String.format("v %.6f %.6f %.6f%n", i * 0.1, k * 0.1, l + r.nextDouble() * 0.01));
          }
        }
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < n; k++) {
            int a = base + i * (n + 1) + k + 1;
            w.write("f " + a + " " + (a + 1) + " " + (a + n + 2) + " " + (a + n + 1) + "\n");
          }
        }
        base += (n + 1) * (n + 1);
      }
    }
  }

  static void writeStl(Path p, int tris) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(84 + 50 * tris).order(ByteOrder.LITTLE_ENDIAN);
    b.position(80);
    b.putInt(tris);
    Random r = new Random(2);
    for (int i = 0; i < tris; i++) {
      for (int k = 0; k < 12; k++) b.putFloat(r.nextFloat());
      b.putShort((short) 0);
    }
    Files.write(p, b.array());
  }

  static void writePly(Path p, int n, int layers) throws Exception {
    int v = (n + 1) * (n + 1) * layers * 2;
    int side = (int) Math.sqrt(v);
    v = side * side;
    int f = (side - 1) * (side - 1);
    String head = "ply\nformat binary_little_endian 1.0\nelement vertex " + v
        + "\nproperty float x\nproperty float y\nproperty float z\nelement face " + f
        + "\nproperty list uchar int vertex_indices\nend_header\n";
    try (OutputStream out = Files.newOutputStream(p)) {
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      ByteBuffer b = ByteBuffer.allocate(12 * v).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < v; i++) b.putFloat(i % side).putFloat(i / side).putFloat(0);
      out.write(b.array());
      ByteBuffer fb = ByteBuffer.allocate(17 * f).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < side - 1; i++) {
        for (int k = 0; k < side - 1; k++) {
          int a = i * side + k;
          fb.put((byte) 4).putInt(a).putInt(a + 1).putInt(a + side + 1).putInt(a + side);
        }
      }
      out.write(fb.array());
    }
  }
}
