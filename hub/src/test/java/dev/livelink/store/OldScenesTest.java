package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Scene;
import org.junit.jupiter.api.Test;

/** The cache of parsed older versions: bounded by nodes and per scene; a version the store dropped goes at once. */
class OldScenesTest {
  private static Scene scene(String id, int nodes) {
    return SceneStoreTest.scene(id, nodes, null, 0);
  }

  @Test
  void holdsAtMostTwoVersionsOfOneSceneTheNewestUsed() {
    OldScenes cache = new OldScenes(100_000, 2);
    for (int v = 1; v <= 5; v++) {
      cache.put("doc", v, scene("doc", 4000));
    }
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("doc", 3)).isNull();
    assertThat(cache.get("doc", 4)).isNotNull();
    assertThat(cache.get("doc", 5)).isNotNull();
  }

  @Test
  void anotherScenesVersionsStayWhenOneSceneEvictsItsOwn() {
    OldScenes cache = new OldScenes(100_000, 2);
    cache.put("other", 7, scene("other", 10));
    for (int v = 1; v <= 4; v++) {
      cache.put("doc", v, scene("doc", 10));
    }
    assertThat(cache.get("other", 7)).isNotNull();
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void theNodeBudgetStillBoundsEveryScene() {
    OldScenes cache = new OldScenes(1000, 2);
    cache.put("a", 1, scene("a", 600));
    cache.put("b", 1, scene("b", 600));
    assertThat(cache.get("a", 1)).as("least recently used, over the node budget").isNull();
    assertThat(cache.get("b", 1)).isNotNull();
    cache.put("c", 1, scene("c", 1001));
    assertThat(cache.get("c", 1)).as("larger than the whole budget: not held").isNull();
  }

  @Test
  void aDroppedVersionLeavesRoomAtOnce() {
    OldScenes cache = new OldScenes(10, 10);
    cache.put("Doc", 1, scene("Doc", 6));
    cache.put("Doc", 2, scene("Doc", 4));
    cache.remove("Doc", 1);
    assertThat(cache.get("Doc", 1)).isNull();
    cache.put("Doc", 3, scene("Doc", 6)); // fits in what version 1 left: version 2 stays
    assertThat(cache.get("Doc", 2)).isNotNull();
    assertThat(cache.get("Doc", 3)).isNotNull();
    cache.put("Doc", 4, scene("Doc", 1)); // over the bound: the least recently used goes
    assertThat(cache.get("Doc", 2)).isNull();
    cache.remove("Doc", 9); // never cached: nothing changes
    assertThat(cache.get("Doc", 3)).isNotNull();
  }
}
