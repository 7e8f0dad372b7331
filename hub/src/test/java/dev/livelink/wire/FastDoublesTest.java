package dev.livelink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FastDoublesTest {
  /** Jackson as it writes without the fast path. */
  private static final ObjectMapper PLAIN = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();

  @Test
  void writesEveryDoubleAsJacksonDoes() throws Exception {
    ArrayNode a = Json.array();
    for (double v : new double[] {0.0, -0.0, 1.0, -1.0, 2.0, 10.0, 100.0, -250.0, 9_999_999.0, -9_999_999.0,
        10_000_000.0, -10_000_000.0, 1e15, 0.5, -0.25, 0.1, 1e-7, 123.456, Double.MIN_VALUE, Double.MAX_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      a.add(v);
    }
    Random r = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      a.add(r.nextInt(40_000_000) - 20_000_000.0); // whole numbers on both sides of the limit
      a.add(Math.round(r.nextGaussian() * 1000) / 8.0);
      a.add(r.nextGaussian() * 1e4);
    }
    assertThat(new String(Json.bytes(a))).isEqualTo(PLAIN.writeValueAsString(a));
  }

  @Test
  void theSharedMapperAndTheSceneEncoderWriteThroughIt() throws Exception {
    assertThat(Json.MAPPER.createGenerator(java.io.OutputStream.nullOutputStream())).isInstanceOf(FastDoubles.class);
    var f = EncodedScene.class.getDeclaredField("FACTORY");
    f.setAccessible(true);
    assertThat(((com.fasterxml.jackson.core.JsonFactory) f.get(null)).createGenerator(
        java.io.OutputStream.nullOutputStream())).isInstanceOf(FastDoubles.class);
  }

  @Test
  void wholeNumbersAreWrittenWithoutTheDigitSearch() {
    assertThat(FastDoubles.text(0.0)).isEqualTo("0.0");
    assertThat(FastDoubles.text(1.0)).isEqualTo("1.0");
    assertThat(FastDoubles.text(-250.0)).isEqualTo("-250.0");
    assertThat(FastDoubles.text(9_999_999.0)).isEqualTo("9999999.0");
    assertThat(FastDoubles.text(-0.0)).isNull();
    assertThat(FastDoubles.text(10_000_000.0)).isNull(); // "1.0E7"
    assertThat(FastDoubles.text(0.5)).isNull();
    assertThat(FastDoubles.text(Double.NaN)).isNull();
  }
}
