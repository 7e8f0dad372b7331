package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryTest {
  @Test
  void valuesAreUrlDecodedAndTheFirstOfARepeatedNameCounts() {
    Query q = Query.parse("from=%31&name=a+b%2Fc&from=9&flag");
    assertThat(q.wholeNumber("from", 0)).isEqualTo(1);
    assertThat(q.get("name")).isEqualTo("a b/c");
    assertThat(q.get("flag")).isEmpty();
    assertThat(q.get("nope")).isNull();
    assertThat(q.wholeNumber("wait", 7)).isEqualTo(7);
    assertThat(Query.parse(null).get("from")).isNull();
  }

  @Test
  void aNegativeOrNonNumericValueIs400QuotingIt() {
    assertThatThrownBy(() -> Query.parse("wait=-5").wholeNumber("wait", 0))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("wait \"-5\" is not a non-negative whole number");
    assertThatThrownBy(() -> Query.parse("from=1e3").wholeNumber("from", 0))
        .hasMessage("from \"1e3\" is not a non-negative whole number");
  }

  @Test
  void aBrokenEscapeIs400QuotingTheQuery() {
    assertThatThrownBy(() -> Query.parse("from=%zz"))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("query \"from=%zz\" is not URL-encoded: ");
  }
}
