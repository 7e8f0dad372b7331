package dev.livelink.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportsTest {
  static final String BOX = "a".repeat(64);
  /** A 1000 x 500 x 250 mm box, Z up, corner at the origin; its top two triangles use material slot 1. */
  static final MeshData BOX_MESH = box(1000, 500, 250);
  static final Material RED = Material.of("red", 1, 0, 0, 1);
  static final Material GLASS = Material.of("glass", 0, 0, 1, 0.5);

  static MeshData box(float x, float y, float z) {
    float[] p = {0, 0, 0, x, 0, 0, x, y, 0, 0, y, 0, 0, 0, z, x, 0, z, x, y, z, 0, y, z};
    int[] idx = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4,
        3, 4, 7};
    int[] mi = {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    return new MeshData(p, idx, null, mi);
  }

  /** Box at the origin, and an instance of it as the child of a group moved 2 m along X. */
  static Scene scene() {
    return new Scene("Demo", "Demo", "test", Units.MM, UpAxis.Z, List.of(
        new Node("Box", "Box", null, Transform.IDENTITY, BOX, List.of(RED, GLASS), true),
        new Node("Group", "Group", null, Transform.translation(2000, 0, 0), null, List.of(), true),
        new Node("Copy", "Copy", "Group", Transform.IDENTITY, BOX, List.of(RED, GLASS), true)));
  }

  static List<Part> roundTrip(Path dir, ExportFormat format) throws Exception {
    for (OutputFile f : Exports.write(scene(), Map.of(BOX, BOX_MESH)::get, format, "Demo")) {
      Files.write(dir.resolve(f.name()), f.bytes());
    }
    return Formats.read(dir.resolve("Demo." + format.extension()));
  }

  @Test
  void glbKeepsHierarchyInstancesAndMaterialsInMetresYUp(@TempDir Path dir) throws Exception {
    List<Part> parts = roundTrip(dir, ExportFormat.GLB);
    Part root = parts.get(0);
    assertThat(root.parent()).isNull();
    // The root turns millimetres Z-up into glTF's metres Y-up: (x, y, z) mm -> (x, z, -y) / 1000.
    assertThat(root.transform().toArray()).containsExactly(
        0.001, 0, 0, 0, 0, 0, 0.001, 0, 0, -0.001, 0, 0, 0, 0, 0, 1);
    Part copy = parts.stream().filter(p -> p.name().equals("Copy")).findFirst().orElseThrow();
    Part box = parts.stream().filter(p -> p.name().equals("Box")).findFirst().orElseThrow();
    assertThat(parts.stream().filter(p -> p.id().equals(copy.parent())).findFirst().orElseThrow().name())
        .isEqualTo("Group");
    assertThat(copy.mesh().bounds()).containsExactly(BOX_MESH.bounds());
    assertThat(box.mesh().triangleCount()).isEqualTo(12);
    assertThat(box.materials()).extracting(Material::name).containsExactly("red", "glass");
    assertThat(box.materials().get(1).color().a()).isEqualTo(0.5);
  }

  @Test
  void gltfWritesItsBinFirstAndNamesIt(@TempDir Path dir) throws Exception {
    List<OutputFile> files = Exports.write(scene(), Map.of(BOX, BOX_MESH)::get, ExportFormat.GLTF, "Demo");
    assertThat(files).extracting(OutputFile::name).containsExactly("Demo.bin", "Demo.gltf");
    assertThat(new String(files.get(1).bytes())).contains("\"uri\":\"Demo.bin\"");
    assertThat(roundTrip(dir, ExportFormat.GLTF)).hasSize(4);
  }

  @Test
  void stlIsInWorldMillimetresZUp() {
    byte[] stl = Exports.write(scene(), Map.of(BOX, BOX_MESH)::get, ExportFormat.STL, "Demo").get(0).bytes();
    ByteBuffer b = ByteBuffer.wrap(stl).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(80)).isEqualTo(24);
    float maxX = 0;
    for (int t = 0; t < 24; t++) {
      for (int k = 0; k < 3; k++) {
        maxX = Math.max(maxX, b.getFloat(84 + 50 * t + 12 + 12 * k));
      }
    }
    assertThat(maxX).isEqualTo(3000f);
  }

  @Test
  void objListsMaterialsFirstAndPlacesTheCopyInMetres(@TempDir Path dir) throws Exception {
    List<OutputFile> files = Exports.write(scene(), Map.of(BOX, BOX_MESH)::get, ExportFormat.OBJ, "Demo");
    assertThat(files).extracting(OutputFile::name).containsExactly("Demo.mtl", "Demo.obj");
    String obj = new String(files.get(1).bytes());
    assertThat(obj).contains("mtllib Demo.mtl", "usemtl m1", "v 3 0.25 -0.5");
    assertThat(new String(files.get(0).bytes())).contains("newmtl m1\nKd 0.000000 0.000000 1.000000\nd 0.5000");
  }

  @Test
  void objNumbersHaveAtMostSixDecimalsAndNoTrailingZeros() {
    StringBuilder b = new StringBuilder();
    for (double v : new double[] {0, -0.0, 3, 0.25, -0.5, 123.456789, 0.000001, 1e-7, -1e-7, -2.05, 1e13, 1e19}) {
      FlatWriter.num(b, v).append(' ');
    }
    assertThat(b.toString()).isEqualTo("0 0 3 0.25 -0.5 123.456789 0.000001 0 0 -2.05 10000000000000 "
        + "10000000000000000000 ");
  }

  @Test
  void unknownFormatsAndNonFiniteCoordinatesAreNamed() {
    assertThatThrownBy(() -> ExportFormat.ofFile("model.fbx"))
        .hasMessage("unknown format \"fbx\" (expected glb, gltf, obj or stl)");
    assertThatThrownBy(() -> ExportFormat.ofFile("model"))
        .hasMessage("\"model\" has no extension to tell the format (.glb, .gltf, .obj, .stl)");
    MeshData nan = new MeshData(new float[] {0, 0, 0, Float.NaN, 0, 0, 0, 1, 0}, new int[] {0, 1, 2}, null, null);
    assertThatThrownBy(() -> Exports.write(scene(), Map.of(BOX, nan)::get, ExportFormat.GLB, "Demo"))
        .isInstanceOf(ExportException.class).hasMessageContaining("node \"Box\"").hasMessageContaining("non-finite");
  }
}
