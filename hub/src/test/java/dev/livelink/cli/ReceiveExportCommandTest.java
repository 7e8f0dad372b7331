package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.hub.Hub;
import dev.livelink.model.MeshData;
import dev.livelink.sdk.LiveLinkClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code livelink receive} and {@code livelink export} as a user runs them: arguments, exit codes, one-line errors. */
class ReceiveExportCommandTest {
  @TempDir Path home;
  @TempDir Path dir;
  final MainTest.Captured out = new MainTest.Captured();
  final MainTest.Captured err = new MainTest.Captured();

  int run(String... args) {
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  static int publish(LiveLinkClient c, String id, float blueSize) {
    Map<String, MeshData> meshes = new LinkedHashMap<>();
    var scene = ReceiverTest.assembly(id, blueSize, meshes);
    c.upload(LiveLinkClient.blobs(List.copyOf(meshes.values())), null);
    return c.publish(scene, List.of(), null).path("version").asInt();
  }

  @Test
  void receiveRefusesAFolderItCannotWriteAndABadFormatWithOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    assertThat(run("receive", "--home", home.toString(), "--out", file.toString())).isEqualTo(1);
    assertThat(err.text()).isEqualTo("livelink: folder " + file + " cannot be used: a file of that name is in the "
        + "way\n");
    err.reset();
    assertThat(run("receive", "--home", home.toString(), "--out", file.resolve("sub").toString())).isEqualTo(1);
    assertThat(err.text()).isEqualTo("livelink: folder " + file.resolve("sub") + " is not writable: Not a "
        + "directory\n");
    err.reset();
    assertThat(run("receive", "--home", home.toString(), "--out", dir.toString(), "--format", "fbx")).isEqualTo(2);
    assertThat(err.text()).isEqualTo("livelink: unknown format \"fbx\" (expected glb, gltf, obj or stl) (see "
        + "livelink --help)\n");
    err.reset();
    assertThat(run("receive", "--home", home.toString(), "--out", dir.toString())).isEqualTo(1);
    assertThat(err.text()).isEqualTo("livelink: no hub is running for " + home + " (no hub.json); start one with: "
        + "livelink hub\n");
  }

  @Test
  void receiveWritesAndAcksUntilTheHubStops() throws Exception {
    try (Hub hub = Hub.create(home, 0).start()) {
      CompletableFuture<Integer> rc = CompletableFuture.supplyAsync(() -> run("receive", "--home", home.toString(),
          "--out", dir.toString(), "--format", "stl", "--from", "livelink", "--scene", "Demo"));
      assertThat(out.await("Ctrl-C stops", ReceiverTest.WATCHDOG)).isTrue();
      LiveLinkClient c = LiveLinkClient.connect(home);
      JsonNode acks = c.awaitAcks("Demo", publish(c, "Demo", 200), ReceiverTest.WATCHDOG.toMillis());
      assertThat(acks.path("acks").get(0).path("status").asText()).isEqualTo("ok");
      assertThat(Files.size(dir.resolve("Demo.stl"))).isEqualTo(84 + 24 * 50);
      hub.stop();
      assertThat(rc.get(ReceiverTest.WATCHDOG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(out.text()).startsWith("receiving scene Demo from livelink into " + dir + " as stl (peer livelink-")
        .endsWith("stopped; said goodbye to the hub\n");
    assertThat(err.text()).startsWith("livelink: the hub ended the event stream").hasLineCount(1);
  }

  @Test
  void exportWritesTheLatestVersionInTheFormatOfTheExtension() throws Exception {
    try (Hub hub = Hub.create(home, 0).start()) {
      LiveLinkClient c = LiveLinkClient.connect(home);
      publish(c, "Demo", 200);
      publish(c, "Demo", 300);
      Path obj = dir.resolve("out/model.obj");
      assertThat(run("export", "--home", home.toString(), "Demo", "-o", obj.toString())).isEqualTo(0);
      assertThat(out.text()).isEqualTo("wrote " + obj + ": Demo version 2, 3 node(s)\n");
      assertThat(ReceiverTest.files(obj.getParent())).containsExactly("model.mtl", "model.obj");
      List<Part> parts = Formats.read(obj);
      assertThat(parts).extracting(Part::name).containsExactly("Red", "Blue");
      assertThat(run("export", "--home", home.toString(), "Demo", "-o", dir.resolve("m.gltf").toString()))
          .isEqualTo(0);
      assertThat(ReceiverTest.files(dir)).contains("m.bin", "m.gltf");
      assertThat(run("export", "--home", home.toString(), "nope", "-o", dir.resolve("n.glb").toString()))
          .isEqualTo(1);
      assertThat(err.text()).isEqualTo("livelink: no scene \"nope\"\n");
      err.reset();
      assertThat(run("export", "--home", home.toString(), "Demo", "-o", dir.resolve("m.fbx").toString()))
          .isEqualTo(2);
      assertThat(err.text()).isEqualTo("livelink: unknown format \"fbx\" (expected glb, gltf, obj or stl) (see "
          + "livelink --help)\n");
    }
  }
}
