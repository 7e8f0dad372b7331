package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.format.fuzz.FuzzTarget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz inputs are small, so there the 1 MiB of slack dominates the bound. These inputs are the largest honest
 * expansions each reader has, at sizes (0.3-1.5 MB) where the factor of the bound is what counts.
 */
class AllocationBoundTest {
  static final String TRIANGLE = "v 0 0 0\nv 1 0 0\nv 0 1 0\n";

  static Stream<Arguments> inputs() {
    return Stream.of(
        Arguments.of("polygon.obj", (Supplier<byte[]>) () ->
            ascii(TRIANGLE + "f" + " 1 2 3".repeat(100_000) + "\n")),
        Arguments.of("polygon_normals.obj", (Supplier<byte[]>) () ->
            ascii(TRIANGLE + "vn 0 0 1\nvn 0 1 0\nvn 1 0 0\nf" + " 1//1 2//2 3//3 1//2 2//3 3//1".repeat(50_000) + "\n")),
        Arguments.of("tiny_objects.obj", (Supplier<byte[]>) () -> ascii(TRIANGLE + "o\nf 1 2 3\n".repeat(50_000))),
        Arguments.of("tiny_objects_normals.obj", (Supplier<byte[]>) () ->
            ascii(TRIANGLE + "vn 0 0 1\n" + "o\nf 1//1 2//1 3//1\n".repeat(30_000))),
        Arguments.of("empty_groups.obj", (Supplier<byte[]>) () -> ascii("g\n".repeat(300_000) + TRIANGLE + "f 1 2 3\n")),
        Arguments.of("materials.obj", (Supplier<byte[]>) () ->
            ascii(TRIANGLE + IntStream.range(0, 30_000).mapToObj(i -> "usemtl " + i + "\nf 1 2 3\n")
                .collect(Collectors.joining()))),
        Arguments.of("triangles.stl", (Supplier<byte[]>) () -> {
          ByteBuffer b = ByteBuffer.allocate(84 + 50 * 20_000).order(ByteOrder.LITTLE_ENDIAN);
          return b.putInt(80, 20_000).array();
        }),
        Arguments.of("long_lists.ply", (Supplier<byte[]>) () -> ascii("ply\nformat ascii 1.0\nelement vertex 3\n"
            + "property float x\nproperty float y\nproperty float z\nelement face 2000\n"
            + "property list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n"
            + ("255" + " 0 1 2".repeat(85) + "\n").repeat(2000))),
        Arguments.of("byte_lists.ply", (Supplier<byte[]>) () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(ascii("ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\n"
              + "property float y\nproperty float z\nelement face 4000\nproperty list uchar uchar vertex_indices\n"
              + "end_header\n"));
          out.writeBytes(new byte[36]);
          for (int f = 0; f < 4000; f++) {
            out.write(255);
            for (int k = 0; k < 255; k++) out.write(k % 3);
          }
          return out.toByteArray();
        }),
        Arguments.of("many_nodes.gltf", (Supplier<byte[]>) () -> ascii("{\"asset\":{\"version\":\"2.0\"},\"nodes\":["
            + String.join(",", java.util.Collections.nCopies(200_000, "{}")) + "]}")),
        Arguments.of("byte_indices.glb", (Supplier<byte[]>) AllocationBoundTest::byteIndicesGlb),
        Arguments.of("materials.mtl", (Supplier<byte[]>) () -> ascii("newmtl m\nKd 1 1 1\n".repeat(30_000))));
  }

  /** 3 vertices and 300,000 uint8 indices naming them: each index byte becomes an int. */
  static byte[] byteIndicesGlb() {
    int n = 300_000;
    ByteBuffer bin = ByteBuffer.allocate(36 + n).order(ByteOrder.LITTLE_ENDIAN);
    bin.putFloat(12, 1).putFloat(28, 1);
    for (int i = 0; i < n; i++) bin.put(36 + i, (byte) (i % 3));
    String json = "{\"asset\":{\"version\":\"2.0\"},\"nodes\":[{\"mesh\":0}],\"meshes\":[{\"primitives\":[{"
        + "\"attributes\":{\"POSITION\":0},\"indices\":1}]}],\"accessors\":["
        + "{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\"},"
        + "{\"bufferView\":1,\"componentType\":5121,\"count\":" + n + ",\"type\":\"SCALAR\"}],"
        + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":36},{\"buffer\":0,\"byteOffset\":36,\"byteLength\":" + n
        + "}],\"buffers\":[{\"byteLength\":" + (36 + n) + "}]}";
    byte[] js = ascii(json + " ".repeat(-json.length() & 3));
    byte[] b = bin.array();
    int binLen = b.length + (-b.length & 3);
    ByteBuffer g = ByteBuffer.allocate(12 + 8 + js.length + 8 + binLen).order(ByteOrder.LITTLE_ENDIAN);
    g.putInt(0x46546C67).putInt(2).putInt(g.capacity()).putInt(js.length).putInt(0x4E4F534A).put(js);
    g.putInt(binLen).putInt(0x004E4942).put(b);
    return g.array();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void staysWithinTheFuzzBound(String name, Supplier<byte[]> input) throws Exception {
    byte[] b = input.get();
    Path file = FormatsTest.fixture("two_colours.mtl").resolveSibling(name);
    read(file, b); // warm-up: class loading is not the reader's doing
    long bytes = ObjReaderTest.allocated(() -> read(file, b));
    System.out.printf("%-18s %,10d bytes in, %,12d allocated: %5.1f x%n", name, b.length, bytes,
        (double) bytes / b.length);
    assertThat(bytes).isLessThanOrEqualTo(FuzzTarget.of(file).allocBound(b.length));
  }

  private static void read(Path file, byte[] b) throws Exception {
    if (name(file).endsWith(".mtl")) {
      MtlReader.read(file, b);
    } else {
      assertThat(Formats.read(file, b)).isNotEmpty();
    }
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

}
