package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Server-Timing's durations: written by hand, the same text as {@code %.3f} of the milliseconds. */
class RequestTimingTest {
  @Test
  void millisAreWrittenAsFormatWritesThem() {
    long[] nanos = {0, 1, 499, 500, 999, 1_000, 9_999, 10_000, 99_500, 123_456, 1_000_000, 1_234_567, 12_345_678_901L,
        Long.MAX_VALUE / 2};
    for (long n : nanos) {
      assertThat(Request.millis(n)).as("%d ns", n).isEqualTo(String.format(Locale.ROOT, "%.3f", n / 1e6));
    }
  }

  @Test
  void aNegativeDurationKeepsItsSign() {
    assertThat(Request.millis(-1_234_567)).isEqualTo("-1.235");
  }
}
