package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {
  final Routes.Handler list = r -> {};
  final Routes.Handler one = r -> {};
  final Routes.Handler events = r -> {};
  final Routes.Handler other = r -> {};
  final Routes routes = new Routes()
      .add("GET", "/v1/peers", list)
      .add("GET", "/v1/peers/{peer}", one)
      .add("GET", "/v1/peers/{peer}/events", events)
      .add(Routes.ANY, "/v1/peers/{peer}/events", other);

  @Test
  void literalSegmentsMatchAndPatternSegmentsAreCaptured() {
    assertThat(routes.find("GET", "/v1/peers").handler()).isSameAs(list);
    Routes.Match m = routes.find("GET", "/v1/peers/blender-1a2b/events/");
    assertThat(m.handler()).isSameAs(events);
    assertThat(m.params()).isEqualTo(Map.of("peer", "blender-1a2b"));
    assertThat(routes.find("GET", "/v1/peers/x").params()).isEqualTo(Map.of("peer", "x"));
  }

  @Test
  void theFirstMatchingRowWinsAndAnyTakesTheRest() {
    assertThat(routes.find("DELETE", "/v1/peers/x/events").handler()).isSameAs(other);
  }

  @Test
  void noMatchIs404NamingTheRequest() {
    assertThatThrownBy(() -> routes.find("POST", "/v1/peers/x"))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("no route POST /v1/peers/x");
    assertThatThrownBy(() -> routes.find("GET", "/v2/peers")).hasMessage("no route GET /v2/peers");
  }
}
