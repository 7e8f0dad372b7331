package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.store.SceneStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where received versions came from: across a restart, and no more of each scene than the store keeps. */
class OriginsTest {
  @TempDir Path tmp;

  @Test
  void aRestartedHubStillKnowsWhereItsVersionsCameFrom() {
    Path file = tmp.resolve("federation").resolve("origins.jsonl");
    try (Origins o = new Origins(file)) {
      o.record("0a1b2c3d4e5f:Doc", 1, new Origins.Origin("0a1b2c3d4e5f", "Doc", 7));
      o.record("0a1b2c3d4e5f:Doc", 2, new Origins.Origin("0a1b2c3d4e5f", "Doc", 8));
    }
    try (Origins again = new Origins(file)) {
      assertThat(again.of("0a1b2c3d4e5f:Doc", 1)).isEqualTo(new Origins.Origin("0a1b2c3d4e5f", "Doc", 7));
      assertThat(again.seen("0a1b2c3d4e5f", "Doc", 8)).as("redelivered after the restart: skipped").isTrue();
      assertThat(again.seen("0a1b2c3d4e5f", "Doc", 9)).isFalse();
    }
  }

  @Test
  void eachSceneKeepsAsManyAsTheStoreAndTheFileIsCompacted() throws Exception {
    Path file = tmp.resolve("origins.jsonl");
    int n = SceneStore.KEEP * 60;
    try (Origins o = new Origins(file)) {
      for (int v = 1; v <= n; v++) {
        o.record("h:Doc", v, new Origins.Origin("h", "Doc", v + 100));
      }
      assertThat(o.of("h:Doc", n - SceneStore.KEEP)).as("older than the store keeps").isNull();
      assertThat(o.of("h:Doc", n - SceneStore.KEEP + 1)).isNotNull();
    }
    assertThat(Files.readAllLines(file).size()).isLessThan(2 * SceneStore.KEEP + 1000 + 1);
    Files.writeString(file, "{\"local\": \"h:Doc\", \"loc", StandardOpenOption.APPEND);
    try (Origins again = new Origins(file)) { // a line cut by a crash: the ones before it stand
      assertThat(again.of("h:Doc", n)).isEqualTo(new Origins.Origin("h", "Doc", n + 100));
    }
  }
}
