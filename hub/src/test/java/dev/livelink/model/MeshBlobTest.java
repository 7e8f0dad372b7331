package dev.livelink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshBlobTest {
  static final MeshData TRIANGLE = new MeshData(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}, new int[] {0, 1, 2},
      new float[] {0, 0, 1, 0, 0, 1, 0, 0, 1}, new int[] {0});

  @Test
  void roundTripsEverySection() {
    byte[] b = MeshBlob.encode(TRIANGLE);
    assertThat(b).hasSize(32 + 36 + 12 + 36 + 4);
    MeshData back = MeshBlob.decode(b);
    assertThat(back.positions()).containsExactly(TRIANGLE.positions());
    assertThat(back.indices()).containsExactly(0, 1, 2);
    assertThat(back.normals()).containsExactly(TRIANGLE.normals());
    assertThat(back.materialIndex()).containsExactly(0);
  }

  @Test
  void indexOutOfRangeIsNamed() {
    byte[] b = MeshBlob.encode(new MeshData(new float[9], new int[] {0, 1, 7}, null, null));
    assertThatThrownBy(() -> MeshBlob.validate(b))
        .hasMessage("mesh blob triangle 0 names vertex 7 but there are 3 vertices");
  }

  @Test
  void headerDeclaringTwoToThe31TrianglesIsRefusedWithoutAllocating() {
    byte[] b = MeshBlob.encode(new MeshData(new float[9], new int[] {0, 1, 2}, null, null));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1 << 31);
    assertThatThrownBy(() -> MeshBlob.validate(b))
        .hasMessage("mesh blob header declares 3 vertices and 2147483648 triangles (25769803844 bytes) but the "
            + "blob is 80 bytes");
  }

  @Test
  void nonFiniteFloatsAndBadMagicAreRefused() {
    byte[] nan = MeshBlob.encode(new MeshData(new float[] {0, Float.NaN, 0, 1, 0, 0, 0, 1, 0}, new int[] {0, 1, 2},
        null, null));
    assertThatThrownBy(() -> MeshBlob.validate(nan)).hasMessage("mesh blob position of vertex 0 is NaN");
    byte[] bad = MeshBlob.encode(TRIANGLE);
    bad[0] = 'X';
    assertThatThrownBy(() -> MeshBlob.validate(bad)).hasMessage("mesh blob does not start with magic \"LLMB\"");
  }

  @Test
  void deltaNamesWhatChangedAndLeavesUnchangedNodesOut() {
    String h1 = "a".repeat(64);
    String h2 = "b".repeat(64);
    Node a = new Node("A", "A", null, Transform.IDENTITY, h1, List.of(), true);
    Node b = new Node("B", "B", null, Transform.IDENTITY, h1, List.of(), true);
    Node c = new Node("C", "C", null, Transform.IDENTITY, null, List.of(), true);
    Scene v1 = new Scene("s", "s", "t", Units.MM, UpAxis.Z, List.of(a, b, c));
    Node b2 = new Node("B", "B", null, Transform.translation(1, 0, 0), h2, List.of(), true);
    Node d = new Node("D", "D", "A", Transform.IDENTITY, null, List.of(), true);
    Scene v2 = new Scene("s", "s", "t", Units.MM, UpAxis.Z, List.of(a, b2, d));
    Delta delta = Delta.between(v1, 1, v2, 2);
    assertThat(delta.added()).extracting(Node::id).containsExactly("D");
    assertThat(delta.removed()).containsExactly("C");
    assertThat(delta.changed()).hasSize(1);
    assertThat(delta.changed().get(0).fields()).containsExactlyInAnyOrder(Delta.Field.MESH, Delta.Field.TRANSFORM);
  }

  @Test
  void sceneRefusesUnknownParentAndDuplicateIds() {
    Node a = new Node("A", "A", "Z", Transform.IDENTITY, null, List.of(), true);
    assertThatThrownBy(() -> new Scene("s", "s", "t", Units.MM, UpAxis.Z, List.of(a)))
        .hasMessage("node \"A\": parent \"Z\" is not in the scene");
    Node b = new Node("B", "B", null, Transform.IDENTITY, null, List.of(), true);
    assertThatThrownBy(() -> new Scene("s", "s", "t", Units.MM, UpAxis.Z, List.of(b, b)))
        .hasMessage("scene \"s\": node id \"B\" appears twice");
  }
}
