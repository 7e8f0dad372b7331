package dev.livelink.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
  final AtomicLong clock = new AtomicLong(1_000_000);
  final Sessions s = new Sessions(Duration.ofMinutes(5), clock::get);

  @Test
  void aLoginCodeGivesOneSessionOnce() {
    String code = s.newLogin();
    String session = s.redeem(code);
    assertThat(session).matches("[0-9a-f]{64}").isNotEqualTo(code);
    assertThat(s.isSession(session)).isTrue();
    assertThat(s.redeem(code)).isNull();
    assertThat(s.isSession(code)).isFalse();
    assertThat(s.redeem(null)).isNull();
    assertThat(s.redeem("")).isNull();
    assertThat(s.isSession(null)).isFalse();
  }

  @Test
  void aLoginCodeExpires() {
    String code = s.newLogin();
    clock.addAndGet(Duration.ofMinutes(5).toMillis() + 1);
    assertThat(s.redeem(code)).isNull();
  }

  @Test
  void oldestCodesAndSessionsGoFirstPastTheirCaps() {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      codes.add(s.newLogin());
    }
    assertThat(s.redeem(codes.get(0))).isNull();
    String first = s.redeem(codes.get(1));
    for (int i = 0; i < 64; i++) {
      s.redeem(s.newLogin());
    }
    assertThat(s.isSession(first)).isFalse();
  }

  @Test
  void cookiesAreFoundByName() {
    assertThat(Sessions.cookie("a=1; livelink-25000=abc; b=2", "livelink-25000")).isEqualTo("abc");
    assertThat(Sessions.cookie("livelink-250001=abc", "livelink-25000")).isNull();
    assertThat(Sessions.cookie(null, "x")).isNull();
  }
}
