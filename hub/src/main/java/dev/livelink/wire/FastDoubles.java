package dev.livelink.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * Writes whole-number doubles below 10^7 in magnitude ("0.0", "1.0", "-250.0") without Jackson's shortest-digits
 * search, which costs most for exactly those values: it finds 17 digits, then drops the trailing zeros one at a
 * time. Transforms are mostly such values (rotations of 0 and 1, placements in whole millimetres). The text is the
 * same as Jackson's (and {@link Double#toString}'s); other values go to Jackson unchanged.
 */
final class FastDoubles extends JsonGeneratorDelegate {
  /** From 10^7 up, Jackson writes "1.0E7". */
  private static final long LIMIT = 10_000_000L;

  FastDoubles(JsonGenerator g) {
    super(g, false);
  }

  @Override
  public void writeNumber(double v) throws IOException {
    String s = text(v);
    if (s != null) {
      delegate.writeNumber(s);
    } else {
      delegate.writeNumber(v);
    }
  }

  /** The JSON text of {@code v} when it is a whole number below 10^7 in magnitude (not -0.0), else null. */
  static String text(double v) {
    long l = (long) v;
    if (l != v || l >= LIMIT || l <= -LIMIT || (l == 0 && Double.doubleToRawLongBits(v) != 0L)) {
      return null;
    }
    if (l == 0) {
      return "0.0";
    }
    if (l == 1) {
      return "1.0";
    }
    return Long.toString(l).concat(".0");
  }
}
