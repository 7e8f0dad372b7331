package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PinsTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final Pins pins = new Pins(Duration.ofMinutes(60), clock::get);

  @Test
  void aFileTimeIsRenewedAtTheFirstPinAndThenOncePerHalfGrace() {
    assertThat(pins.pin("a")).isEqualTo(1_000_000);
    clock.addAndGet(Duration.ofMinutes(29).toMillis());
    assertThat(pins.pin("a")).isEqualTo(-1); // renewed 29 minutes ago: the file outlives this pin anyway
    clock.addAndGet(Duration.ofMinutes(31).toMillis());
    assertThat(pins.pin("a")).isEqualTo(clock.get()); // 31 minutes after the last pin
  }

  @Test
  void aPinHoldsForTheGracePeriodAndExpires() {
    pins.pin("a");
    clock.addAndGet(Duration.ofMinutes(59).toMillis());
    pins.pin("b");
    assertThat(pins.holds("a")).isTrue();
    clock.addAndGet(Duration.ofMinutes(1).toMillis());
    assertThat(pins.holds("a")).isFalse();
    assertThat(pins.expire()).isEqualTo(clock.get());
    assertThat(pins.pin("a")).isEqualTo(clock.get()); // forgotten: pinned again as new
    assertThat(pins.holds("b")).isTrue();
    pins.forget("b");
    assertThat(pins.holds("b")).isFalse();
  }
}
