package dev.livelink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
  private static final String HASH = "0123456789abcdef".repeat(4);

  @Test
  void aSha256IsSixtyFourLowercaseHexDigits() {
    assertThat(Ids.isSha256(HASH)).isTrue();
    assertThat(Ids.isSha256(null)).isFalse();
    assertThat(Ids.isSha256("")).isFalse();
    assertThat(Ids.isSha256(HASH.substring(1))).isFalse();
    assertThat(Ids.isSha256(HASH + "0")).isFalse();
    assertThat(Ids.isSha256(HASH.toUpperCase())).isFalse();
    for (char c : "g/:@`{ -.\u00e9\u0660".toCharArray()) { // around each range's ends, and non-ASCII digits
      assertThat(Ids.isSha256(HASH.substring(0, 63) + c)).as("ends with %s", c).isFalse();
      assertThat(Ids.isSha256(c + HASH.substring(1))).as("starts with %s", c).isFalse();
    }
  }

  @Test
  void anIdIsOneToTwoHundredOfItsCharacters() {
    for (String ok : new String[] {"Part_1.Body:2-x", "x".repeat(200), "AZaz09", "..."}) {
      assertThat(Ids.check("node id", ok)).isEqualTo(ok);
    }
    for (String bad : new String[] {null, "", ".", "..", "x".repeat(201), "a b", "a/b", "a\\b", "é", "a*", "@", "[",
        "`", "{", "/", ";"}) {
      assertThatThrownBy(() -> Ids.check("node id", bad)).as(String.valueOf(bad))
          .isInstanceOf(ModelException.class).hasMessageStartingWith("node id \"" + bad + "\" must be 1-200 of");
    }
  }
}
