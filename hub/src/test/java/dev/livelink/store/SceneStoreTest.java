package dev.livelink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.model.Delta;
import dev.livelink.model.Material;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Sha256;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneStoreTest {
  @TempDir Path home;

  static String blob(SceneStore s, float size) {
    byte[] b = MeshBlob.encode(new MeshData(new float[] {0, 0, 0, size, 0, 0, 0, size, 0}, new int[] {0, 1, 2},
        null, null));
    s.blobs().put(Sha256.hex(b), b);
    return Sha256.hex(b);
  }

  static Scene scene(String id, int nodes, String mesh, double x) {
    List<Node> list = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      list.add(new Node("n" + i, "n" + i, null, Transform.translation(x, i, 0), mesh,
          List.of(Material.of("red", 1, 0, 0, 1)), true));
    }
    return new Scene(id, id, "test", Units.MM, UpAxis.Z, list);
  }

  @Test
  void olderVersionsAreNotHeldInMemory() {
    try (SceneStore s = new SceneStore(home)) {
      String m = blob(s, 1);
      Scene first = scene("doc", 1000, m, 0);
      WeakReference<Scene> held = new WeakReference<>(first);
      s.publish(first, null, null);
      first = null;
      s.publish(scene("doc", 1000, m, 1), null, null);
      // A full collection clears a weak reference to anything nothing else holds; the deadline is a watchdog.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (held.get() != null && System.nanoTime() < deadline) {
        System.gc();
      }
      assertThat(held.get()).as("version 1 of doc, still referenced after version 2").isNull();
      Delta d = s.delta("doc", 1);
      assertThat(d.full()).isFalse();
      assertThat(d.changed()).hasSize(1000);
    }
  }

  @Test
  void aRestartReadsTheLatestVersionWholeAndOfTheOthersOnlyTheirHeader() throws Exception {
    String m;
    try (SceneStore s = new SceneStore(home)) {
      m = blob(s, 1);
      for (int v = 1; v <= 3; v++) {
        s.publish(scene("doc", 10, m, v), null, null);
      }
    }
    // Spoil version 1 after its header: a store that read it whole at start would fail to start.
    Path v1 = home.resolve("store/scenes/doc/v1.json");
    String text = Files.readString(v1);
    Files.writeString(v1, text.substring(0, text.indexOf("\"scene\":") + 8) + "{\"id\": ");
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.latest("doc").number()).isEqualTo(3);
      assertThat(s.header("doc", 1).number()).isEqualTo(1);
      assertThat(s.delta("doc", 2).full()).isFalse();
      assertThatThrownBy(() -> s.delta("doc", 1)).hasMessageContaining("malformed JSON");
      // Its blob is still referenced by all three versions: nothing to collect.
      assertThat(s.blobs().has(m)).isTrue();
    }
  }

  @Test
  void sceneIdsBecomeFolderNamesThatKeepCaseAndNeverCollide() {
    try (SceneStore s = new SceneStore(home)) {
      String m = blob(s, 1);
      s.publish(scene("Part:1.step", 1, m, 0), null, null);
      assertThat(home.resolve("store/scenes/%50art%3A1%2Estep/v1.json")).exists();
      assertThatThrownBy(() -> s.publish(scene("part:1.STEP", 1, m, 0), null, null))
          .isInstanceOf(StoreConflict.class)
          .hasMessage("scene id \"part:1.STEP\" differs only by case from the scene \"Part:1.step\" the hub holds; "
              + "ids that differ only by case are one file on Windows and macOS");
    }
    try (SceneStore s = new SceneStore(home)) {
      assertThat(s.latest("Part:1.step").scene().id()).isEqualTo("Part:1.step");
    }
  }

  @Test
  void aStoreFromBeforeEncodedNamesIsRenamedAndStaysReadable() throws Exception {
    String m;
    try (SceneStore s = new SceneStore(home)) {
      m = blob(s, 1);
    }
    // The layout and file format of the previous hub: the folder is the raw id, the scene comes last, no mesh list.
    Path old = home.resolve("store/scenes/Doc:A");
    Files.createDirectories(old);
    for (int v = 1; v <= 2; v++) {
      Files.writeString(old.resolve("v" + v + ".json"), "{\"version\":" + v + ",\"sender\":null,\"time\":1,"
          + "\"targets\":null,\"scene\":{\"id\":\"Doc:A\",\"name\":\"Doc\",\"source\":\"t\",\"units\":\"mm\","
          + "\"up\":\"Z\",\"nodes\":[{\"id\":\"A\",\"name\":\"A\",\"parent\":null,\"transform\":null,\"mesh\":\""
          + m + "\",\"materials\":[],\"visible\":true}]}}", StandardCharsets.UTF_8);
    }
    try (SceneStore s = new SceneStore(home)) {
      assertThat(old).doesNotExist();
      assertThat(home.resolve("store/scenes/%44oc%3A%41/v2.json")).exists();
      assertThat(s.latest("Doc:A").number()).isEqualTo(2);
      assertThat(s.header("Doc:A", 1)).isNotNull();
      assertThat(s.delta("Doc:A", 1).full()).isFalse();
      assertThat(s.blobs().has(m)).isTrue();
      assertThat(s.publish(scene("Doc:A", 1, m, 5), null, null).version().number()).isEqualTo(3);
    }
  }

  @Test
  void tempFilesLeftByACrashAreSweptAtStart() throws Exception {
    try (SceneStore s = new SceneStore(home)) {
      s.publish(scene("doc", 1, blob(s, 1), 0), null, null);
    }
    Path[] temps = {home.resolve("store/packs/.tmp-1"), home.resolve("store/scenes/doc/.tmp-2"),
        home.resolve("store/blobs/ab/.tmp-3"), home.resolve("store/blobs/.tmp-4")};
    for (Path p : temps) {
      Files.createDirectories(p.getParent());
      Files.write(p, new byte[10]);
    }
    try (SceneStore s = new SceneStore(home)) {
      for (Path p : temps) {
        assertThat(p).doesNotExist();
      }
      assertThat(s.latest("doc")).isNotNull();
    }
  }

  @Test
  void anUnreferencedUploadIsSweptOnlyOnceItsHourIsOverAndAPinRenewsIt() {
    long[] now = {System.currentTimeMillis()};
    SceneStore.Options options = new SceneStore.Options(Duration.ofHours(1), Duration.ofDays(1), () -> now[0]);
    String asked;
    try (SceneStore s = new SceneStore(home, options)) {
      String kept = blob(s, 1);
      String lone = blob(s, 2);
      asked = blob(s, 3);
      s.publish(scene("doc", 1, kept, 0), null, null);
      now[0] += Duration.ofMinutes(50).toMillis();
      assertThat(s.blobs().missing(List.of(asked))).isEmpty(); // the sender will publish it rather than upload it
      assertThat(s.sweep()).isZero();
      now[0] += Duration.ofMinutes(20).toMillis();
      assertThat(s.sweep()).isEqualTo(1);
      assertThat(s.blobs().has(lone)).isFalse();
      assertThat(s.blobs().has(asked)).isTrue();
      assertThat(s.blobs().has(kept)).isTrue();
    }
    // 80 minutes after its upload, 30 after the question: a restart forgets pins, but the pin renewed its time.
    now[0] += Duration.ofMinutes(10).toMillis();
    try (SceneStore s = new SceneStore(home, options)) {
      assertThat(s.blobs().has(asked)).isTrue();
    }
  }
}
