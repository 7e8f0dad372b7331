package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.MeshData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlyReaderTest {
  static final String VERTEX = "element vertex 3\nproperty float x\nproperty float y\nproperty float z\n";
  static final String FACE = "element face 1\nproperty list uchar int vertex_indices\n";

  static MeshData read(byte[] b) {
    return PlyReader.read(Path.of("t.ply"), b).get(0).mesh();
  }

  static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] b) {
    return assertThatThrownBy(() -> read(b)).isInstanceOf(FormatException.class);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> refused(String ascii) {
    return refused(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] binary(String header, ByteBuffer body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.write(body.array(), 0, body.position());
    return out.toByteArray();
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"box_1x2x3_zup_ascii_extra_properties.ply", "box_1x2x3_zup_binary_double_ushort_lists.ply"})
  void extraPropertiesAndElementsAreSkippedBySize(String file) throws Exception {
    MeshData m = Formats.read(FormatsTest.fixture(file)).get(0).mesh();
    assertThat(m.vertexCount()).isEqualTo(8);
    assertThat(m.triangleCount()).isEqualTo(12);
    assertThat(m.bounds()).containsExactly(0, 0, 0, 1, 2, 3);
  }

  @Test
  void anAsciiListCountOfTwoToThe31IsRefusedWithTheLine() {
    // Used to allocate new int[2147483647] and end in an OutOfMemoryError and an 18-line stack trace.
    refused("ply\nformat ascii 1.0\n" + VERTEX + FACE + "end_header\n0 0 0\n1 0 0\n0 1 0\n2147483647 0 1 2\n")
        .hasMessage("t.ply:13: list of 2147483647 items but 7 bytes remain in \"2147483647 0 1 2\"");
    refused("ply\nformat ascii 1.0\n" + VERTEX + FACE + "end_header\n0 0 0\n1 0 0\n0 1 0\n-3 0 1 2\n")
        .hasMessage("t.ply:13: list count -3 is negative in \"-3 0 1 2\"");
  }

  @Test
  void elementCountsAreCheckedAgainstTheBytesAfterTheHeader() {
    refused("ply\nformat ascii 1.0\nelement vertex 2147483647\nproperty float x\nproperty float y\n"
        + "property float z\nend_header\n0 0 0\n")
        .hasMessage("t.ply:3: element \"vertex\" declares 2147483647 items of at least 6 bytes each, but 6 bytes are "
            + "left for them in \"element vertex 2147483647\"");
    refused(binary("ply\nformat binary_little_endian 1.0\nelement vertex 1000000\nproperty float x\n"
        + "property float y\nproperty float z\nend_header\n", le(12).putFloat(0).putFloat(0).putFloat(0)))
        .hasMessage("t.ply:3: element \"vertex\" declares 1000000 items of at least 12 bytes each, but 12 bytes are "
            + "left for them in \"element vertex 1000000\"");
    refused("ply\nformat ascii 1.0\nelement vertex -5\nproperty float x\nend_header\n")
        .hasMessage("t.ply:3: element count -5 is negative in \"element vertex -5\"");
    refused("ply\nformat ascii 1.0\nelement nothing 2000000000\nend_header\n")
        .hasMessage("t.ply:3: element \"nothing\" declares 2000000000 items but no properties in "
            + "\"element nothing 2000000000\"");
  }

  @Test
  void aBinaryListCountIsCheckedAgainstTheRemainingBytes() {
    String header = "ply\nformat binary_little_endian 1.0\n" + VERTEX
        + "element face 1\nproperty list uint int vertex_indices\nend_header\n";
    ByteBuffer body = le(64);
    for (int i = 0; i < 9; i++) {
      body.putFloat(i == 3 || i == 7 ? 1 : 0);
    }
    body.putInt(-1).putInt(0).putInt(1).putInt(2);
    int at = header.length() + 36;
    refused(binary(header, body)).hasMessage("t.ply: at byte " + at + ": list of 4294967295 items of 4 bytes in "
        + "face 0 but 12 bytes remain");
  }

  @Test
  void facesNameOnlyDeclaredVertices() {
    refused("ply\nformat ascii 1.0\n" + VERTEX + FACE + "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 16777217\n")
        .hasMessage("t.ply:13: face names vertex 16777217 but there are 3 vertices in \"3 0 1 16777217\"");
    String header = "ply\nformat binary_little_endian 1.0\n" + VERTEX + FACE + "end_header\n";
    ByteBuffer body = le(64);
    for (int i = 0; i < 9; i++) {
      body.putFloat(0);
    }
    body.put((byte) 3).putInt(0).putInt(1).putInt(-7);
    refused(binary(header, body)).hasMessage("t.ply: at byte " + (header.length() + 36 + 9) + ": face 0 names vertex "
        + "4294967289 but there are 3 vertices");
  }

  @Test
  void aFacesIndicesMustBeAList() {
    // Found by FuzzBench at 2,000,000 inputs: a NullPointerException in the binary face reader.
    refused("ply\nformat binary_little_endian 1.0\n" + VERTEX + "element face 1\nproperty int vertex_indices\n"
        + "end_header\n").hasMessage("t.ply:8: a face's vertex_indices must be a list in \"property int vertex_indices\"");
  }

  @Test
  void truncatedBinaryBodiesSayWhere() {
    String header = "ply\nformat binary_little_endian 1.0\n" + VERTEX + "element face 2\n"
        + "property list uchar int vertex_indices\nend_header\n";
    ByteBuffer body = le(64);
    for (int i = 0; i < 9; i++) {
      body.putFloat(0);
    }
    body.put((byte) 3).putInt(0).putInt(1).putInt(2).put((byte) 200).putInt(0);
    refused(binary(header, body)).hasMessage("t.ply: at byte " + (header.length() + 49) + ": binary PLY is truncated "
        + "at face 1 of 2: its 200 indices need 800 bytes, 4 remain");
  }

  @Test
  void asciiIndicesAreReadAsIntegersNotFloats() {
    // Through a float, 16777217 became 16777216: indices above 2^24 named the wrong vertex.
    byte[] b = ("ply\nformat ascii 1.0\n" + VERTEX + FACE + "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n")
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(read(b).indices()).containsExactly(0, 1, 2);
    refused("ply\nformat ascii 1.0\n" + VERTEX + FACE + "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 x\n")
        .hasMessage("t.ply:13: expected an integer in \"3 0 1 x\"");
  }
}
