package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.livelink.model.MeshData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GltfReaderTest {
  @TempDir
  Path dir;

  /** Three float32 vertices (0,0,0) (1,0,0) (0,1,0) then uint8 indices 0 1 5: 39 bytes. */
  static final byte[] TRIANGLE = triangle();

  private static byte[] triangle() {
    ByteBuffer b = ByteBuffer.allocate(39).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(0).putFloat(0).putFloat(0).putFloat(1).putFloat(0).putFloat(0).putFloat(0).putFloat(1).putFloat(0);
    b.put((byte) 0).put((byte) 1).put((byte) 5);
    return b.array();
  }

  static String dataUri(byte[] b) {
    return "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(b);
  }

  /**
   * A one-triangle document; {@code extra} adds or (being later: Jackson keeps the last of duplicate keys)
   * replaces top-level members.
   */
  static String doc(String extra) {
    return "{\"asset\":{\"version\":\"2.0\"},"
        + "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36}],"
        + "\"buffers\":[{\"byteLength\":39,\"uri\":\"" + dataUri(TRIANGLE) + "\"}]"
        + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  List<Part> read(String json) throws Exception {
    return GltfReader.read(dir.resolve("t.gltf"), json.getBytes(StandardCharsets.UTF_8));
  }

  AbstractThrowableAssert<?, ? extends Throwable> refused(String json) {
    return assertThatThrownBy(() -> read(json)).isInstanceOf(FormatException.class);
  }

  @Test
  void readsTheOneTriangleDocument() throws Exception {
    List<Part> parts = read(doc("\"nodes\":[{\"mesh\":0,\"name\":\"T\"}]"));
    assertThat(parts).extracting(Part::name).containsExactly("T");
    assertThat(parts.get(0).mesh().triangleCount()).isEqualTo(1);
  }

  @Test
  void externalBufferInterleavedSharedVerticesTwoMaterialsAndTwoScenes() throws Exception {
    List<Part> parts = Formats.read(FormatsTest.fixture("box_and_triangle_external.gltf"));
    // Scene 1 is the default: roots 0 (Holder, with child Box) and 2 (the triangle).
    assertThat(parts).extracting(Part::name).containsExactly("Holder", "Box", "Triangle");
    assertThat(parts).extracting(Part::id).containsExactly("node0", "node1", "node2");
    assertThat(parts.get(1).parent()).isEqualTo("node0");
    assertThat(parts.get(0).transform().get(0, 3)).isEqualTo(5.0);
    assertThat(parts.get(1).transform().get(1, 3)).isEqualTo(1.0);
    MeshData box = parts.get(1).mesh();
    // Both primitives use accessors 0 and 1: their 8 vertices are taken once.
    assertThat(box.vertexCount()).isEqualTo(8);
    assertThat(box.triangleCount()).isEqualTo(12);
    assertThat(box.normals()).hasSize(24);
    assertThat(box.materialIndex()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
    assertThat(parts.get(1).materials()).extracting(m -> m.name()).containsExactly("red", "glass");
    assertThat(parts.get(1).materials().get(1).color().a()).isEqualTo(0.25);
    assertThat(parts.get(2).mesh().indices()).containsExactly(0, 1, 2);
  }

  // ---- normals ----

  /** The triangle with NORMAL (0, 1, 0) at every vertex: glTF's up, which a Z-up scene calls (0, 0, 1). */
  static String litDoc(String primitives) {
    ByteBuffer b = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(0).putFloat(0).putFloat(0).putFloat(1).putFloat(0).putFloat(0).putFloat(0).putFloat(0).putFloat(-1);
    for (int i = 0; i < 3; i++) b.putFloat(0).putFloat(1).putFloat(0);
    return "{\"asset\":{\"version\":\"2.0\"},\"nodes\":[{\"mesh\":0}],\"meshes\":[{\"primitives\":[" + primitives
        + "]}],\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"},"
        + "{\"bufferView\":1,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36},{\"buffer\":0,\"byteOffset\":36,\"byteLength\":36}],"
        + "\"buffers\":[{\"byteLength\":72,\"uri\":\"" + dataUri(b.array()) + "\"}]}";
  }

  @Test
  void normalsArePerVertexAndTurnWithTheUpAxis() throws Exception {
    List<Part> parts = read(litDoc("{\"attributes\":{\"POSITION\":0,\"NORMAL\":1}}"));
    assertThat(parts.get(0).mesh().normals()).containsExactly(0, 1, 0, 0, 1, 0, 0, 1, 0);
    SceneBuilder.Built built = SceneBuilder.build("s", "s", "test", dev.livelink.model.Units.M,
        dev.livelink.model.UpAxis.Y, List.of(parts), List.of("t"));
    MeshData sent = dev.livelink.model.MeshBlob.decode(built.blobs().values().iterator().next());
    assertThat(sent.normals()).containsExactly(0, 0, 1, 0, 0, 1, 0, 0, 1);
  }

  @Test
  void aMeshWithOnePrimitiveWithoutNormalsHasNone() throws Exception {
    List<Part> parts = read(litDoc("{\"attributes\":{\"POSITION\":0,\"NORMAL\":1}},"
        + "{\"attributes\":{\"POSITION\":0}}"));
    assertThat(parts.get(0).mesh().triangleCount()).isEqualTo(2);
    assertThat(parts.get(0).mesh().normals()).as("shaded by angle rather than half by the file").isNull();
  }

  // ---- the node graph ----

  @Test
  void aNodeWithTwoParentsIsRefusedNamingIt() {
    refused(doc("\"scenes\":[{\"nodes\":[0]}],"
        + "\"nodes\":[{\"children\":[1,2]},{\"children\":[3]},{\"children\":[3]},{\"mesh\":0}]"))
        .hasMessage("t.gltf: at /nodes/2/children/0: node 3 has two parents, nodes 1 and 2 (glTF nodes form strict "
            + "trees)");
  }

  @Test
  void theExponentialDiamondIsRefusedAtOnce() {
    // The 1.4 KB file that ran `livelink send` to 6 GB: 40 layers, each node listing the next one twice, 2^40 paths.
    String nodes = IntStream.range(0, 40).mapToObj(i -> "{\"children\":[" + (i + 1) + "," + (i + 1) + "]}")
        .collect(Collectors.joining(",")) + ",{\"mesh\":0}";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        refused(doc("\"scenes\":[{\"nodes\":[0]}],\"nodes\":[" + nodes + "]"))
            .hasMessage("t.gltf: at /nodes/0/children/1: node 0 lists node 1 twice as its child"));
    // Two nodes per layer, each listing both nodes of the next layer: a diamond without repeats in one list.
    String wide = IntStream.range(0, 40).mapToObj(i -> "{\"children\":[" + (2 * i + 2) + "," + (2 * i + 3) + "]},"
        + "{\"children\":[" + (2 * i + 2) + "," + (2 * i + 3) + "]}").collect(Collectors.joining(","))
        + ",{\"mesh\":0},{\"mesh\":0}";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
        refused(doc("\"scenes\":[{\"nodes\":[0,1]}],\"nodes\":[" + wide + "]"))
            .hasMessage("t.gltf: at /nodes/1/children/0: node 2 has two parents, nodes 0 and 1 (glTF nodes form "
                + "strict trees)"));
  }

  @Test
  void cyclesAreRefusedNamingTheNode() {
    refused(doc("\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"children\":[1]},{\"children\":[2]},{\"children\":[0]}]"))
        .hasMessage("t.gltf: at /nodes/2/children/0: node 0 is its own ancestor: it is a child of 2, which is a "
            + "child of 1, which is a child of 0");
    refused(doc("\"nodes\":[{\"children\":[0]}]"))
        .hasMessage("t.gltf: at /nodes/0/children/0: node 0 lists itself as its child");
  }

  @Test
  void aSceneRootMustBeARootAndBeListedOnce() {
    refused(doc("\"scenes\":[{\"nodes\":[0,1]}],\"nodes\":[{\"children\":[1]},{}]"))
        .hasMessage("t.gltf: at /scenes/0/nodes/1: node 1 is a root of scene 0 but a child of node 0");
    refused(doc("\"scenes\":[{\"nodes\":[0,0]}],\"nodes\":[{}]"))
        .hasMessage("t.gltf: at /scenes/0/nodes/1: scene 0 lists node 0 twice");
  }

  @Test
  void anIndexWrittenAsAnIntegralFloatIsThatIndex() throws Exception {
    // Found by the fuzz target: -0.0 as a scene root passed the check and then indexed an array at -1.
    List<Part> parts = read(doc("\"scenes\":[{\"nodes\":[-0.0]}],\"nodes\":[{\"children\":[1.0]},{\"mesh\":0}]"));
    assertThat(parts).extracting(Part::id).containsExactly("node0", "node1");
  }

  @Test
  void withoutScenesOnlyParentlessNodesAreRoots() throws Exception {
    // Each node once, children after their parent: before, node 1 came out twice (as a root and as a child).
    List<Part> parts = read(doc("\"nodes\":[{\"children\":[1]},{\"mesh\":0}]"));
    assertThat(parts).extracting(Part::id).containsExactly("node0", "node1");
    assertThat(parts.get(1).parent()).isEqualTo("node0");
  }

  @Test
  void indicesThatNameNothingAreRefusedWithTheirPointer() {
    refused(doc("\"scene\":5,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{}]"))
        .hasMessage("t.gltf: at /scene: scene 5 does not exist (the file has 1)");
    refused(doc("\"nodes\":[{\"children\":[7]}]"))
        .hasMessage("t.gltf: at /nodes/0/children/0: node 7 does not exist (the file has 1)");
    refused(doc("\"nodes\":[{\"mesh\":-1}]"))
        .hasMessage("t.gltf: at /nodes/0/mesh: expected an integer from 0 to 2147483647, found -1");
    refused(doc("\"nodes\":[{\"mesh\":\"0\"}]"))
        .hasMessage("t.gltf: at /nodes/0/mesh: expected an integer from 0 to 2147483647, found \"0\"");
    refused(doc("\"nodes\":[{\"mesh\":0}],\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":3}}]}]"))
        .hasMessage("t.gltf: at /meshes/0/primitives/0/attributes/POSITION: accessor 3 does not exist (the file "
            + "has 1)");
  }

  // ---- counts against bytes ----

  @Test
  void anAccessorCountIsCheckedAgainstItsBufferViewBeforeAllocating() {
    refused(doc("\"nodes\":[{\"mesh\":0}],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":2147483647,\"type\":\"VEC3\"}]"))
        .hasMessage("t.gltf: at /accessors/0/count: 2147483647 elements of 12 bytes, 12 apart from byte 0, need "
            + "25769803764 bytes but bufferView 0 holds 36");
    refused(doc("\"nodes\":[{\"mesh\":0}],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":4294967299,\"type\":\"VEC3\"}]"))
        .hasMessage("t.gltf: at /accessors/0/count: expected an integer from 1 to 2147483647, found 4294967299");
    refused(doc("\"nodes\":[{\"mesh\":0}],"
        + "\"accessors\":[{\"bufferView\":0,\"byteOffset\":4,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"}]"))
        .hasMessage("t.gltf: at /accessors/0/count: 3 elements of 12 bytes, 12 apart from byte 4, need 40 bytes but "
            + "bufferView 0 holds 36");
  }

  @Test
  void aBufferViewIsCheckedAgainstItsBuffer() {
    refused(doc("\"nodes\":[{\"mesh\":0}],\"bufferViews\":[{\"buffer\":0,\"byteOffset\":8,\"byteLength\":36}]"))
        .hasMessage("t.gltf: at /bufferViews/0: bytes 8 to 44 lie outside buffer 0 of 39 bytes");
    refused(doc("\"nodes\":[{\"mesh\":0}],\"bufferViews\":[{\"buffer\":0,\"byteLength\":36,\"byteStride\":6}]"))
        .hasMessage("t.gltf: at /bufferViews/0/byteStride: 6 is not a multiple of 4 of at least the 12-byte "
            + "elements");
  }

  @Test
  void aBufferMustHoldWhatItDeclaresAndBeValidBase64() {
    refused(doc("\"buffers\":[{\"byteLength\":1000,\"uri\":\"" + dataUri(TRIANGLE) + "\"}]"))
        .hasMessage("t.gltf: at /buffers/0/byteLength: declares 1000 bytes but its data holds 39");
    refused(doc("\"buffers\":[{\"byteLength\":3,\"uri\":\"data:application/octet-stream;base64,AAAA*AAA\"}]"))
        .hasMessage("t.gltf: at /buffers/0/uri: invalid base64: Illegal base64 character 2a");
    refused(doc("\"buffers\":[{\"byteLength\":3,\"uri\":\"data:text/plain,abc\"}]"))
        .hasMessage("t.gltf: at /buffers/0/uri: a data: URI must be base64 (data:...;base64,...)");
  }

  @Test
  void indicesMustNameVerticesOfTheirPrimitive() {
    refused(doc("\"nodes\":[{\"mesh\":0}],"
        + "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"indices\":1}]}],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"},"
        + "{\"bufferView\":1,\"componentType\":5121,\"count\":3,\"type\":\"SCALAR\"}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36},{\"buffer\":0,\"byteOffset\":36,\"byteLength\":3}]"))
        .hasMessage("t.gltf: at /accessors/1: index 2 is 5 but POSITION of /meshes/0/primitives/0 has 3 vertices");
  }

  @Test
  void meshesThatReuseOneAccessorCannotMultiplyTheFile() throws Exception {
    // 3,000 vertices (36 KB) used by 400 meshes: 400 x 48 KB of arrays from an 80 KB file.
    int v = 3000;
    byte[] buf = new byte[12 * v];
    String meshes = IntStream.range(0, 400).mapToObj(i -> "{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}")
        .collect(Collectors.joining(","));
    String nodes = IntStream.range(0, 400).mapToObj(i -> "{\"mesh\":" + i + "}").collect(Collectors.joining(","));
    String json = doc("\"nodes\":[" + nodes + "],\"meshes\":[" + meshes + "],"
        + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":" + v + ",\"type\":\"VEC3\"}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":" + buf.length + "}],"
        + "\"buffers\":[{\"byteLength\":" + buf.length + ",\"uri\":\"" + dataUri(buf) + "\"}]");
    long budget = GltfReader.EXPANSION * (json.length() + (long) buf.length) + GltfReader.EXPANSION_SLACK;
    long perMesh = 12L * v + 4L * v; // positions, and the indices of a non-indexed primitive
    long fit = budget / perMesh;
    refused(json).hasMessage("t.gltf: at /meshes/" + fit + ": meshes decode to more than 16 times the bytes of the "
        + "input (" + perMesh + " bytes for this one, " + (budget - fit * perMesh) + " left): accessors reused by "
        + "many meshes?");
  }

  @Test
  void unsupportedOrMalformedValuesAreRefusedWithTheirPointer() {
    refused(doc("\"nodes\":[{\"mesh\":0}],\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,"
        + "\"type\":\"VEC3\",\"sparse\":{}}]"))
        .hasMessage("t.gltf: at /accessors/0/sparse: sparse accessors are not supported");
    refused(doc("\"nodes\":[{\"mesh\":0}],\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,"
        + "\"type\":\"VEC2\"}]"))
        .hasMessage("t.gltf: at /accessors/0/type: POSITION must be VEC3, is \"VEC2\"");
    refused(doc("\"nodes\":[{\"matrix\":[1,0,0]}]"))
        .hasMessage("t.gltf: at /nodes/0/matrix: expected 16 numbers, found 3 entries");
    refused(doc("\"nodes\":[{\"translation\":[0,1e999,0]}]"))
        .hasMessage("t.gltf: at /nodes/0/translation/1: expected a finite number, found Infinity");
    refused(doc("\"nodes\":[{\"rotation\":[1e200,0,0,1]}]"))
        .hasMessage("t.gltf: at /nodes/0: the transform overflows to -Infinity");
    refused(doc("\"nodes\":[{\"mesh\":0}],\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},"
        + "\"material\":0}]}],\"materials\":[{\"pbrMetallicRoughness\":{\"roughnessFactor\":2}}]"))
        .hasMessage("t.gltf: at /materials/0/pbrMetallicRoughness/roughnessFactor: 2.0 is outside [0, 1]");
    refused("{\"asset\":}").hasMessage("t.gltf:1:10: malformed JSON: Unexpected character ('}' (code 125)): "
        + "expected a value");
    refused("[1]").hasMessage("t.gltf: at /: a glTF document is a JSON object, this is array");
  }

  // ---- never outside the folder ----

  AbstractThrowableAssert<?, ? extends Throwable> refusedUri(String uri) {
    return refused(doc("\"buffers\":[{\"byteLength\":39,\"uri\":\"" + uri + "\"}]"));
  }

  @Test
  void aBufferUriNeverLeavesTheFolder() throws Exception {
    // A file that exists outside the folder: it must not be read, whatever the path.
    Path outside = Files.write(dir.getParent().resolve(dir.getFileName() + "-outside.bin"), TRIANGLE);
    try {
      String up = "../" + outside.getFileName();
      refusedUri(up).hasMessage("t.gltf: at /buffers/0/uri: \"" + up + "\" leads outside the folder of the file");
      refusedUri("../../../../etc/hostname").hasMessage("t.gltf: at /buffers/0/uri: \"../../../../etc/hostname\" "
          + "leads outside the folder of the file");
      refusedUri("%2e%2e/%2e%2e/etc/hostname").hasMessage("t.gltf: at /buffers/0/uri: \"%2e%2e/%2e%2e/etc/hostname\" "
          + "leads outside the folder of the file");
      refusedUri("/etc/hostname").hasMessage("t.gltf: at /buffers/0/uri: \"/etc/hostname\" is an absolute path; "
          + "livelink reads only files in the folder of the file");
      refusedUri("file:///etc/hostname").hasMessage("t.gltf: at /buffers/0/uri: \"file:///etc/hostname\" uses the "
          + "scheme \"file:\"; livelink reads only data: URIs and files in the folder of the file");
      refusedUri("https://example.com/b.bin").hasMessage("t.gltf: at /buffers/0/uri: \"https://example.com/b.bin\" "
          + "uses the scheme \"https:\"; livelink reads only data: URIs and files in the folder of the file");
      Files.createSymbolicLink(dir.resolve("link.bin"), outside);
      refusedUri("link.bin").hasMessage("t.gltf: at /buffers/0/uri: \"link.bin\" is a link that leads outside the "
          + "folder of the file");
      refusedUri("missing.bin").hasMessage("t.gltf: at /buffers/0/uri: \"missing.bin\" does not exist");
      refusedUri("%zz.bin").hasMessage("t.gltf: at /buffers/0/uri: \"%zz.bin\" has a malformed %-escape");
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void aBufferInTheFolderOrBelowIsRead() throws Exception {
    Files.createDirectories(dir.resolve("sub dir"));
    Files.write(dir.resolve("sub dir/t+1.bin"), TRIANGLE);
    String json = doc("\"nodes\":[{\"mesh\":0}],\"buffers\":[{\"byteLength\":39,\"uri\":\"sub%20dir/../sub%20dir/t+1.bin\"}]");
    assertThat(read(json).get(0).mesh().triangleCount()).isEqualTo(1);
  }

  @Test
  void aBareFileNameHasAFolderToo() {
    // Path.of("t.gltf").getParent() is null: an external buffer used to end in a NullPointerException.
    assertThatThrownBy(() -> GltfReader.read(Path.of("t.gltf"), doc("\"buffers\":[{\"byteLength\":39,"
        + "\"uri\":\"no-such-livelink-buffer.bin\"}]").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.gltf: at /buffers/0/uri: \"no-such-livelink-buffer.bin\" does not exist");
  }

  // ---- GLB framing ----

  static byte[] glb(int version, long total, int chunkLength, byte[] json) {
    ByteBuffer b = ByteBuffer.allocate(20 + json.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(version).putInt((int) total).putInt(chunkLength).putInt(0x4E4F534A).put(json);
    return b.array();
  }

  @Test
  void glbFramingIsCheckedAgainstTheFileLength() {
    byte[] json = "{\"asset\":{\"version\":\"2.0\"}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> GltfReader.read(dir.resolve("t.glb"), glb(2, 1 << 30, json.length, json)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.glb: at byte 8: GLB header declares 1073741824 bytes, the file has 47");
    assertThatThrownBy(() -> GltfReader.read(dir.resolve("t.glb"), glb(2, 47, -1, json)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.glb: at byte 12: GLB chunk of 4294967295 bytes runs past the end (47 bytes)");
    assertThatThrownBy(() -> GltfReader.read(dir.resolve("t.glb"), glb(1, 47, json.length, json)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.glb: at byte 4: GLB version 1 is not 2");
    byte[] bad = "{\"asset\":]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> GltfReader.read(dir.resolve("t.glb"), glb(2, 20 + bad.length, bad.length, bad)))
        .isInstanceOf(FormatException.class)
        .hasMessage("t.glb: at byte 29: malformed JSON: Unexpected character (']' (code 93)): expected a valid "
            + "value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
  }
}
