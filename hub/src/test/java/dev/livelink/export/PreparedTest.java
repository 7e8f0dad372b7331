package dev.livelink.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedTest {
  static final String NAN = "b".repeat(64);
  static final String FLAT = "c".repeat(64);
  static final MeshData NAN_MESH =
      new MeshData(new float[] {0, 0, 0, Float.NaN, 0, 0, 0, 1, 0}, new int[] {0, 1, 2}, null, null);
  static final MeshData FLAT_MESH = new MeshData(new float[] {0, 0, 0}, new int[0], null, null);
  static final Map<String, MeshData> MESHES =
      Map.of(ExportsTest.BOX, ExportsTest.BOX_MESH, NAN, NAN_MESH, FLAT, FLAT_MESH);

  /** A box; a NaN mesh with a child; a mesh with no faces; a group scaled past double range, with a child. */
  static Scene troubled() {
    Transform huge = Transform.of(1e200, 0, 0, 0, 0, 1e200, 0, 0, 0, 0, 1e200, 0, 0, 0, 0, 1);
    return new Scene("T", "T", "test", Units.MM, UpAxis.Z, List.of(
        new Node("Box", "Box", null, Transform.IDENTITY, ExportsTest.BOX, List.of(ExportsTest.RED), true),
        new Node("Bad", "Bad", null, Transform.translation(5, 0, 0), NAN, List.of(), true),
        new Node("Kid", "Kid", "Bad", Transform.IDENTITY, ExportsTest.BOX, List.of(), true),
        new Node("Flat", "Flat", null, Transform.IDENTITY, FLAT, List.of(), true),
        new Node("Big", "Big", null, huge, null, List.of(), true),
        new Node("Bigger", "Bigger", "Big", huge, ExportsTest.BOX, List.of(), true)));
  }

  @Test
  void whatCannotBeWrittenIsLeftOutNamingEachNodeAndTheRestIsWritten(@TempDir Path dir) throws Exception {
    Prepared p = Prepared.of(troubled(), MESHES::get);
    assertThat(p.skipped()).containsExactly(
        "node \"Bad\": its mesh holds a coordinate that is not a finite number (NaN); skipped",
        "node \"Flat\": its mesh has no faces; skipped",
        "node \"Bigger\": its placement is not a finite number (its scales overflow); skipped");
    assertThat(p.scene().nodes()).extracting(Node::id).containsExactly("Box", "Bad", "Kid", "Flat", "Big");
    // An emptied node keeps its place, so its child stays where it was.
    assertThat(p.scene().byId().get("Bad").mesh()).isNull();
    assertThat(p.scene().byId().get("Kid").mesh()).isEqualTo(ExportsTest.BOX);
    for (ExportFormat f : ExportFormat.values()) {
      for (OutputFile o : Exports.write(p.scene(), MESHES::get, f, "T")) {
        Files.write(dir.resolve(o.name()), o.bytes());
      }
    }
    List<Part> parts = Formats.read(dir.resolve("T.glb"));
    assertThat(parts.stream().filter(x -> x.mesh() != null)).extracting(Part::name).containsExactly("Box", "Kid");
  }

  @Test
  void aSceneWithNothingToLeaveOutIsHandedBackAsItIs() {
    Scene s = ExportsTest.scene();
    Prepared p = Prepared.of(s, Map.of(ExportsTest.BOX, ExportsTest.BOX_MESH)::get);
    assertThat(p.scene()).isSameAs(s);
    assertThat(p.skipped()).isEmpty();
  }
}
