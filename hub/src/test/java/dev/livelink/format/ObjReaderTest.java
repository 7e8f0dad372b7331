package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjReaderTest {
  static final String TRIANGLE = "v 0 0 0\nv 1 0 0\nv 0 1 0\n";

  @TempDir
  Path dir;

  List<Part> read(Path file, String text) throws Exception {
    return ObjReader.read(file, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void groupsFacesWithSlashesAndPolygons() throws Exception {
    List<Part> parts = Formats.read(FormatsTest.fixture("two_groups_uv_normals_pentagon.obj"));
    assertThat(parts).extracting(Part::name).containsExactly("first", "second");
    assertThat(parts.get(0).materials()).extracting(m -> m.name()).containsExactly("red");
    assertThat(parts.get(1).mesh().triangleCount()).isEqualTo(4);
    // "usemtl red" carries over into the next group, as Blender reads it; blue is the second slot.
    assertThat(parts.get(1).materials()).extracting(m -> m.name()).containsExactly("red", "blue");
    assertThat(parts.get(1).materials().get(1).color().b()).isEqualTo(1.0);
  }

  @Test
  void anMtllibOutsideTheFolderIsNotRead() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("models"));
    Files.writeString(dir.resolve("secret.mtl"), "newmtl red\nKd 1 0 0\n");
    String obj = "mtllib ../secret.mtl\n" + TRIANGLE + "usemtl red\nf 1 2 3\n";
    Part p = read(sub.resolve("a.obj"), obj).get(0);
    // The library is ignored like a missing one: the material keeps its name and the default grey.
    assertThat(p.materials().get(0).color().r()).isEqualTo(0.8);
  }

  @Test
  void anAbsoluteMtllibIsLookedForByItsNameBesideTheObj() throws Exception {
    Files.writeString(dir.resolve("colours.mtl"), "newmtl red\nKd 1 0 0\n");
    String obj = "mtllib /home/someone/else/colours.mtl\n" + TRIANGLE + "usemtl red\nf 1 2 3\n";
    assertThat(read(dir.resolve("a.obj"), obj).get(0).materials().get(0).color().r()).isEqualTo(1.0);
  }

  @Test
  void aBareFileNameFindsItsMtllibInTheWorkingFolder() throws Exception {
    // Path.of("a.obj") has no parent: the library was silently skipped, and the colours lost.
    String obj = "mtllib src/test/resources/fixtures/two_colours.mtl\n" + TRIANGLE + "usemtl red\nf 1 2 3\n";
    assertThat(read(Path.of("a.obj"), obj).get(0).materials().get(0).color().r()).isEqualTo(1.0);
  }

  @Test
  void aLibraryNamedManyTimesIsReadOnce() throws Exception {
    Files.writeString(dir.resolve("c.mtl"), "newmtl red\nKd 1 0 0\n".repeat(5000));
    String obj = "mtllib c.mtl\n".repeat(5000) + TRIANGLE + "f 1 2 3\n";
    long bytes = allocated(() -> read(dir.resolve("a.obj"), obj));
    // Once is ~0.5 MB (the library and its 5,000 materials); 5,000 times was gigabytes.
    assertThat(bytes).isLessThan(8L << 20);
  }

  @Test
  void moreMaterialsThanAMeshBlobIndexesAreRefused() {
    StringBuilder obj = new StringBuilder(TRIANGLE);
    for (int i = 0; i <= ObjReader.MAX_MATERIALS; i++) {
      obj.append("usemtl m").append(i).append("\nf 1 2 3\n");
    }
    assertThatThrownBy(() -> read(dir.resolve("a.obj"), obj.toString()))
        .isInstanceOf(FormatException.class)
        .hasMessage("a.obj:131076: more than 65536 materials in one object in \"usemtl m65536\"");
  }

  @Test
  void aHugeNegativeExponentIsZeroNotAnOverflow() {
    // exp = -2 + -2147483647 wrapped around to +2147483647 in an int, and a tiny number was "out of float range".
    byte[] b = "v 1.55e-2147483647 0 0\n".getBytes(StandardCharsets.US_ASCII);
    AsciiScanner s = new AsciiScanner(b, 2, b.length, "x");
    assertThat(s.parseFloat()).isEqualTo(0f);
  }

  /** A unit cube, flat-shaded as exporters write it: 8 positions, 6 normals, each quad's corners name its own. */
  static final String FLAT_CUBE = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0 0 1\nv 1 0 1\nv 1 1 1\nv 0 1 1\n"
      + "vn 0 0 -1\nvn 0 0 1\nvn 0 -1 0\nvn 1 0 0\nvn 0 1 0\nvn -1 0 0\n"
      + "f 1//1 4//1 3//1 2//1\nf 5//2 6//2 7//2 8//2\nf 1//3 2//3 6//3 5//3\n"
      + "f 2//4 3//4 7//4 6//4\nf 3//5 4//5 8//5 7//5\nf 4//6 1//6 5//6 8//6\n";

  @Test
  void cornerNormalsSplitAVertexAtEachFaceItBelongsTo() throws Exception {
    MeshData m = read(dir.resolve("cube.obj"), FLAT_CUBE).get(0).mesh();
    assertThat(m.vertexCount()).as("4 per face: each corner of the cube meets 3 faces").isEqualTo(24);
    assertThat(m.triangleCount()).isEqualTo(12);
    float[] p = m.positions();
    float[] n = m.normals();
    int[] idx = m.indices();
    for (int t = 0; t < idx.length; t += 3) {
      float[] face = faceNormal(p, idx[t], idx[t + 1], idx[t + 2]);
      for (int k = 0; k < 3; k++) {
        int v = idx[t + k];
        assertThat(new float[] {n[3 * v], n[3 * v + 1], n[3 * v + 2]}).as("triangle %d corner %d", t / 3, k)
            .containsExactly(face);
      }
    }
  }

  @Test
  void theFlatNormalsFixtureIsABoxOf24Vertices() throws Exception {
    MeshData m = Formats.read(FormatsTest.fixture("box_1x2x3_zup_flat_normals.obj")).get(0).mesh();
    assertThat(m.vertexCount()).isEqualTo(24);
    assertThat(m.normals()).hasSize(72);
    assertThat(m.bounds()).containsExactly(0, 0, 0, 1, 2, 3);
  }

  @Test
  void aVertexWithOneNormalStaysOneVertex() throws Exception {
    String obj = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 1\nvn 0.6 0 0.8\nvn 0 0.6 0.8\nvn 0.6 0.6 0.529\n"
        + "f 1/1/1 2/2/2 3/3/4\nf -4/1/-4 -2/3/-1 -1/4/-2\n";
    MeshData m = read(dir.resolve("quad.obj"), obj).get(0).mesh();
    assertThat(m.vertexCount()).isEqualTo(4);
    assertThat(m.indices()).containsExactly(0, 1, 2, 0, 2, 3);
    assertThat(m.normals()).containsExactly(0, 0, 1, 0.6f, 0, 0.8f, 0.6f, 0.6f, 0.529f, 0, 0.6f, 0.8f);
  }

  @Test
  void aPartWithACornerWithoutNormalGetsNoneAndTheOthersKeepTheirs() throws Exception {
    String obj = "o Lit\n" + TRIANGLE + "vn 0 0 1\nf 1//1 2//1 3//1\no Half\nf 1//1 2 3\n"
        + "o Dangling\nf 1/1/7 2/1/7 3/1/7\n";
    List<Part> parts = read(dir.resolve("mixed.obj"), obj);
    assertThat(parts).extracting(Part::name).containsExactly("Lit", "Half", "Dangling");
    assertThat(parts.get(0).mesh().normals()).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 1);
    assertThat(parts.get(1).mesh().normals()).as("shaded by angle, not half by guess").isNull();
    assertThat(parts.get(2).mesh().normals()).as("vn 7 is not defined: skipped, as before").isNull();
    assertThat(parts.get(2).mesh().vertexCount()).isEqualTo(3);
  }

  @Test
  void theFixtureWithSlashesReadsItsOneNormalWhereEveryCornerHasIt() throws Exception {
    List<Part> parts = Formats.read(FormatsTest.fixture("two_groups_uv_normals_pentagon.obj"));
    assertThat(parts.get(0).mesh().normals()).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 1);
    assertThat(parts.get(1).mesh().normals()).as("\"f -5 -4 -3\" names no normal").isNull();
  }

  static float[] faceNormal(float[] p, int a, int b, int c) {
    double ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    double wx = p[3 * c] - p[3 * a], wy = p[3 * c + 1] - p[3 * a + 1], wz = p[3 * c + 2] - p[3 * a + 2];
    double x = uy * wz - uz * wy, y = uz * wx - ux * wz, z = ux * wy - uy * wx;
    double l = Math.sqrt(x * x + y * y + z * z);
    return new float[] {(float) (x / l) + 0f, (float) (y / l) + 0f, (float) (z / l) + 0f};
  }

  static long allocated(ThrowingRunnable r) throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long a = mx.getCurrentThreadAllocatedBytes();
    r.run();
    return mx.getCurrentThreadAllocatedBytes() - a;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
