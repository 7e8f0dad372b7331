package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
