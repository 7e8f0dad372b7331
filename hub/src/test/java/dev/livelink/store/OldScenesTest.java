package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.Scene;
import org.junit.jupiter.api.Test;

/** The cache of parsed older versions: bounded by nodes, and a version the store dropped goes at once. */
class OldScenesTest {
  static Scene scene(int nodes) {
    return SceneStoreTest.scene("Doc", nodes, "ab".repeat(32), 0);
  }

  @Test
  void aDroppedVersionLeavesRoomAtOnce() {
    OldScenes cache = new OldScenes(10);
    cache.put("Doc", 1, scene(6));
    cache.put("Doc", 2, scene(4));
    cache.remove("Doc", 1);
    assertThat(cache.get("Doc", 1)).isNull();
    cache.put("Doc", 3, scene(6)); // fits in what version 1 left: version 2 stays
    assertThat(cache.get("Doc", 2)).isNotNull();
    assertThat(cache.get("Doc", 3)).isNotNull();
    cache.put("Doc", 4, scene(1)); // over the bound: the least recently used goes
    assertThat(cache.get("Doc", 2)).isNull();
    cache.remove("Doc", 9); // never cached: nothing changes
    assertThat(cache.get("Doc", 3)).isNotNull();
  }
}
