package dev.livelink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlobViewTest {
  @Test
  void aViewIsItsBytesWhereverTheyLie() throws Exception {
    BlobView v = new BlobView(new byte[] {9, 1, 2, 3, 9}, 1, 3);
    assertThat(v.copy()).containsExactly(1, 2, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    v.writeTo(out);
    assertThat(out.toByteArray()).containsExactly(1, 2, 3);
    assertThat(v).isEqualTo(BlobView.of(new byte[] {1, 2, 3})).hasSameHashCodeAs(BlobView.of(new byte[] {1, 2, 3}));
    assertThat(v).isNotEqualTo(BlobView.of(new byte[] {1, 2}));
    assertThat(new BlobView(new byte[2], 2, 0).copy()).isEmpty();
  }

  @Test
  void aViewOutsideItsArrayIsRefused() {
    for (int[] bad : new int[][] {{-1, 1}, {0, -1}, {2, 2}, {0, 4}, {Integer.MAX_VALUE, 1}}) {
      assertThatThrownBy(() -> new BlobView(new byte[3], bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not within an array of 3");
    }
  }

  @Test
  void partsEncodeAsTheirFramesWould() {
    String h = "ab".repeat(32);
    byte[] pack = BlobBatch.encodeParts(List.of(new BlobBatch.Part(h, new BlobView(new byte[] {7, 1, 2, 7}, 1, 2))));
    assertThat(pack).isEqualTo(BlobBatch.encode(List.of(new BlobBatch.Frame(h, new byte[] {1, 2}))));
  }
}
