package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StlReaderTest {
  static byte[] binary(int declared, int triangles) {
    ByteBuffer b = ByteBuffer.allocate(84 + 50 * triangles).order(ByteOrder.LITTLE_ENDIAN);
    b.put("binary".getBytes(StandardCharsets.US_ASCII)).putInt(80, declared);
    return b.array();
  }

  @Test
  void theTriangleCountIsCheckedAgainstTheFileLengthBeforeAllocating() {
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), binary(-1, 1)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl: at byte 80: truncated binary STL: header declares 4294967295 triangles (214748364834 bytes) but the "
            + "file is 134 bytes");
    byte[] longer = binary(1, 2);
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), longer))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl: at byte 80: binary STL: header declares 1 triangles (134 bytes) but the file is 184 bytes");
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), new byte[40]))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl: at byte 40: binary STL ends inside its 84-byte header");
  }

  @Test
  void anStlMeshCarriesNoNormalsSoBlenderShadesItByAngle() throws Exception {
    // Facet normals are per triangle and often zero (the box fixtures' are): the blob goes without, and the
    // receiver keeps its angle-based shading (test_blender_versions covers that side).
    for (String f : new String[] {"box_1x2x3_zup_binary.stl", "box_1x2x3_zup_ascii.stl"}) {
      MeshData m = Formats.read(FormatsTest.fixture(f)).get(0).mesh();
      assertThat(m.normals()).as(f).isNull();
      assertThat(MeshBlob.validate(MeshBlob.encode(m)).normals()).as(f).isFalse();
    }
  }

  @Test
  void aNonFiniteCoordinateIsRefusedWithItsOffset() {
    byte[] b = binary(1, 1);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(84 + 12 + 4, Float.NaN);
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), b))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl: at byte 100: triangle 0 has a non-finite coordinate NaN");
  }

  @Test
  void asciiErrorsQuoteTheLine() {
    byte[] b = "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\nendsolid\n"
        .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), b))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl:7: facet has 2 vertices, STL needs 3 in \"endfacet\"");
    byte[] e = "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 1e39\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> StlReader.read(Path.of("t.stl"), e))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.stl:4: number is out of float range in \"vertex 0 0 1e39\"");
  }
}
