package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {
  static Path fixture(String name) {
    try {
      return Path.of(FormatsTest.class.getResource("/fixtures/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a file in its own up axis and returns the world bounds of its one mesh in the canonical Z-up frame. */
  static float[] canonicalBounds(String file, UpAxis up) throws Exception {
    List<Part> parts = Formats.read(fixture(file));
    SceneBuilder.Built b = SceneBuilder.build("s", "s", "test", Units.MM, up, List.of(parts), List.of("f"));
    Node n = b.scene().nodes().get(0);
    return MeshBlob.decode(b.blobs().get(n.mesh())).bounds();
  }

  @ParameterizedTest
  @ValueSource(strings = {"box_1x2x3_zup_binary.stl", "box_1x2x3_zup_ascii.stl", "box_1x2x3_zup_ascii.ply",
      "box_1x2x3_zup_binary_le.ply", "box_1x2x3_zup_binary_be.ply"})
  void zUpBoxesHaveTwelveTrianglesAndKnownBounds(String file) throws Exception {
    MeshData m = Formats.read(fixture(file)).get(0).mesh();
    assertThat(m.triangleCount()).isEqualTo(12);
    assertThat(canonicalBounds(file, UpAxis.Z)).containsExactly(0, 0, 0, 1, 2, 3);
  }

  @Test
  void yUpObjAndZUpStlLandInTheSameCanonicalFrame() throws Exception {
    assertThat(canonicalBounds("box_1x2x3_yup_two_colours.obj", UpAxis.Y))
        .containsExactly(canonicalBounds("box_1x2x3_zup_binary.stl", UpAxis.Z));
  }

  @Test
  void objReadsMtlColoursAndPerTriangleMaterials() throws Exception {
    Part p = Formats.read(fixture("box_1x2x3_yup_two_colours.obj")).get(0);
    assertThat(p.name()).isEqualTo("Box");
    assertThat(p.mesh().vertexCount()).isEqualTo(8);
    assertThat(p.mesh().triangleCount()).isEqualTo(12);
    assertThat(p.materials()).extracting(m -> m.name()).containsExactly("red", "blue");
    assertThat(p.materials().get(0).color().r()).isEqualTo(1.0);
    assertThat(p.materials().get(1).color().a()).isEqualTo(0.5);
    assertThat(p.mesh().materialIndex()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
  }

  @Test
  void objSplitsObjectsAndResolvesNegativeIndices() throws Exception {
    List<Part> parts = Formats.read(fixture("two_objects_negative_indices.obj"));
    assertThat(parts).extracting(Part::name).containsExactly("First", "Second");
    assertThat(parts.get(0).mesh().triangleCount()).isEqualTo(1);
    assertThat(parts.get(1).mesh().vertexCount()).isEqualTo(4);
    assertThat(parts.get(1).mesh().triangleCount()).isEqualTo(2);
    assertThat(parts.get(1).mesh().bounds()).containsExactly(5, 5, 5, 6, 6, 5);
  }

  @Test
  void objFaceNamingAMissingVertexQuotesTheLine() {
    assertThatThrownBy(() -> Formats.read(fixture("face_names_missing_vertex_9.obj")))
        .isInstanceOf(FormatException.class)
        .hasMessage("face_names_missing_vertex_9.obj:4: face names vertex 9 but 3 vertices are defined so far "
            + "in \"f 1 2 9\"");
  }

  @Test
  void truncatedBinaryStlSaysWhatTheHeaderDeclared() {
    assertThatThrownBy(() -> Formats.read(fixture("box_1x2x3_zup_truncated.stl")))
        .isInstanceOf(FormatException.class)
        .hasMessage("box_1x2x3_zup_truncated.stl: at byte 80: truncated binary STL: header declares 12 triangles (684 bytes) "
            + "but the file is 664 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"box_instanced_twice_yup.gltf", "box_instanced_twice_yup.glb"})
  void gltfKeepsHierarchyInstancesAndMaterials(String file) throws Exception {
    List<Part> parts = Formats.read(fixture(file));
    assertThat(parts).extracting(Part::name).containsExactly("Parent", "Child");
    assertThat(parts.get(1).parent()).isEqualTo(parts.get(0).id());
    assertThat(parts.get(0).mesh()).isSameAs(parts.get(1).mesh());
    assertThat(parts.get(0).materials().get(0).color().g()).isEqualTo(1.0);
    assertThat(parts.get(0).materials().get(0).roughness()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
    SceneBuilder.Built b = SceneBuilder.build("s", "s", "t", Units.M, UpAxis.Y, List.of(parts), List.of("f"));
    assertThat(b.blobs()).hasSize(1);
    assertThat(b.scene().nodes().get(0).mesh()).isEqualTo(b.scene().nodes().get(1).mesh());
    assertThat(MeshBlob.decode(b.blobs().values().iterator().next()).bounds()).containsExactly(0, 0, 0, 1, 2, 3);
    // Y-up translation (10, 0, 0) stays along x after conversion.
    assertThat(b.scene().nodes().get(1).transform().get(0, 3)).isEqualTo(10.0);
  }

  @Test
  void unknownExtensionIsNamed() {
    assertThatThrownBy(() -> Formats.read(fixture("two_colours.mtl")))
        .hasMessage("two_colours.mtl: unknown format \"mtl\" (livelink reads .obj, .stl, .ply, .gltf, .glb)");
  }

  @Test
  void floatParserHandlesExponentsAndSigns() {
    byte[] b = "v -1.5e2 +0.25 3E-1\nf 1 1 1\n".getBytes();
    AsciiScanner s = new AsciiScanner(b, 2, b.length, "x");
    assertThat(s.parseFloat()).isEqualTo(-150f);
    assertThat(s.parseFloat()).isEqualTo(0.25f);
    assertThat(s.parseFloat()).isEqualTo(0.3f);
  }
}
