package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.export.ExportFormat;
import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.hub.Hub;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code livelink receive}'s work against an in-process hub: files written per version, acks, and what fails. */
class ReceiverTest {
  static final Duration WATCHDOG = Duration.ofSeconds(30);
  static final Material RED = Material.of("red", 1, 0, 0, 1);
  static final Material BLUE = Material.of("blue", 0, 0, 1, 1);

  @TempDir Path home;
  @TempDir Path folder;
  Hub hub;
  LiveLinkClient client;
  final MainTest.Captured out = new MainTest.Captured();
  final MainTest.Captured err = new MainTest.Captured();
  final List<Receiver> receivers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hub = Hub.create(home, 0).start();
    client = LiveLinkClient.connect(home);
  }

  @AfterEach
  void stop() {
    receivers.forEach(Receiver::stop);
    hub.stop();
  }

  /** An axis-aligned box x by y by z (scene units), corner at the origin. */
  static MeshData box(float x, float y, float z) {
    float[] p = {0, 0, 0, x, 0, 0, x, y, 0, 0, y, 0, 0, 0, z, x, 0, z, x, y, z, 0, y, z};
    int[] idx = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4,
        3, 4, 7};
    return new MeshData(p, idx, null, null);
  }

  /** In millimetres, Z up: a group 100 mm along X holding a red 1000 x 500 x 250 box and a blue box of the size given. */
  static Scene assembly(String id, float blueSize, Map<String, MeshData> meshes) {
    String red = hash(box(1000, 500, 250), meshes);
    String blue = hash(box(blueSize, blueSize, blueSize), meshes);
    return new Scene(id, id, "test", Units.MM, UpAxis.Z, List.of(
        new Node("Assembly", "Assembly", null, Transform.translation(100, 0, 0), null, List.of(), true),
        new Node("Red", "Red", "Assembly", Transform.IDENTITY, red, List.of(RED), true),
        new Node("Blue", "Blue", "Assembly", Transform.translation(0, 0, 1000), blue, List.of(BLUE), true)));
  }

  static String hash(MeshData m, Map<String, MeshData> meshes) {
    String h = LiveLinkClient.blobs(List.of(m)).keySet().iterator().next();
    meshes.put(h, m);
    return h;
  }

  int publish(Scene s, Map<String, MeshData> meshes) {
    client.upload(LiveLinkClient.blobs(new ArrayList<>(meshes.values())), null);
    return client.publish(s, List.of(), null).path("version").asInt();
  }

  Receiver receiver(Path dir, ExportFormat format, List<String> from, String scene) {
    Receiver r = new Receiver(client, new Receiver.Options(dir, format, from, scene), writer(out), writer(err));
    receivers.add(r);
    return r;
  }

  static PrintWriter writer(MainTest.Captured c) {
    return new PrintWriter(c, true, StandardCharsets.UTF_8);
  }

  /** Runs the receiver's loop on a thread of its own; the future completes with run()'s exit code. */
  static CompletableFuture<Integer> running(Receiver r) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(r.run());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** The one ack of a version, once every receiver it went to answered. */
  JsonNode ack(String scene, int version) {
    JsonNode a = client.awaitAcks(scene, version, WATCHDOG.toMillis());
    assertThat(a.path("complete").asBoolean()).as(a.toString()).isTrue();
    assertThat(a.path("acks")).hasSize(1);
    return a.path("acks").get(0);
  }

  static Part part(List<Part> parts, String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void eachVersionIsWrittenAsAGlbAndAckedWithTimingsAndOnlyNewBlobsAreFetched() throws Exception {
    Receiver r = receiver(folder, ExportFormat.GLB, List.of("*"), null);
    running(r);
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    int v1 = publish(assembly("Demo:1", 200, meshes), meshes);
    JsonNode a = ack("Demo:1", v1);
    assertThat(a.path("status").asText()).isEqualTo("ok");
    assertThat(a.path("reason").asText()).isEmpty();
    assertThat(a.path("timings").path("objects").asInt()).isEqualTo(3);
    assertThat(a.path("timings").path("blobs").asInt()).isEqualTo(2);
    assertThat(a.path("timings").has("fetch_ms") && a.path("timings").has("build_ms")
        && a.path("timings").has("total_ms")).isTrue();
    Path glb = folder.resolve("Demo%3A1.glb");
    List<Part> parts = Formats.read(glb);
    assertThat(part(parts, "Red").mesh().bounds()).containsExactly(0, 0, 0, 1000, 500, 250);
    assertThat(part(parts, "Red").materials()).containsExactly(RED);
    assertThat(part(parts, "Blue").materials()).containsExactly(BLUE);
    assertThat(part(parts, "Blue").parent()).isEqualTo(part(parts, "Assembly").id());

    Map<String, MeshData> next = new java.util.LinkedHashMap<>();
    int v2 = publish(assembly("Demo:1", 300, next), next);
    a = ack("Demo:1", v2);
    assertThat(a.path("timings").path("blobs").asInt()).as("only the blue box changed").isEqualTo(1);
    assertThat(part(Formats.read(glb), "Blue").mesh().bounds()).containsExactly(0, 0, 0, 300, 300, 300);
    assertThat(files(folder)).containsExactly("Demo%3A1.glb");
    assertThat(out.text()).contains("wrote " + glb + ": Demo:1 version 2, 3 node(s), 1 new blob(s), in ");
  }

  @Test
  void whatWentToEveryoneBeforeTheReceiverStartedArrivesByCatchUpInTheFormatAsked() throws Exception {
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    publish(assembly("Early", 200, meshes), meshes);
    Receiver r = receiver(folder, ExportFormat.GLTF, List.of("livelink"), null);
    running(r);
    assertThat(out.await("wrote ", WATCHDOG)).isTrue();
    assertThat(files(folder)).containsExactly("Early.bin", "Early.gltf");
    assertThat(Formats.read(folder.resolve("Early.gltf"))).hasSize(4);
    JsonNode me = null;
    for (JsonNode p : client.peers()) {
      if (p.path("id").asText().equals(r.peer())) {
        me = p;
      }
    }
    assertThat(me.path("app").asText()).isEqualTo("livelink");
    assertThat(me.path("role").asText()).isEqualTo("receiver");
    assertThat(me.path("document").asText()).isEqualTo(folder.toString());
    assertThat(me.path("from").toString()).isEqualTo("[\"livelink\"]");
  }

  @Test
  void aReceiverOfOneSceneAcksTheOthersFailedSayingWhy() throws Exception {
    running(receiver(folder, ExportFormat.GLB, List.of("*"), "Wanted"));
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    JsonNode a = ack("Other", publish(assembly("Other", 200, meshes), meshes));
    assertThat(a.path("status").asText()).isEqualTo("failed");
    assertThat(a.path("reason").asText()).isEqualTo("this receiver writes only scene \"Wanted\"");
    assertThat(files(folder)).isEmpty();
    assertThat(ack("Wanted", publish(assembly("Wanted", 200, meshes), meshes)).path("status").asText())
        .isEqualTo("ok");
    assertThat(files(folder)).containsExactly("Wanted.glb");
  }

  @Test
  void aMeshWithNoFacesIsLeftOutNamingItsNodeAndTheRestIsWritten() throws Exception {
    running(receiver(folder, ExportFormat.OBJ, List.of("*"), null));
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    String red = hash(box(10, 10, 10), meshes);
    String empty = hash(new MeshData(new float[] {0, 0, 0}, new int[0], null, null), meshes);
    Scene s = new Scene("Holes", "Holes", "test", Units.MM, UpAxis.Z, List.of(
        new Node("Flat", "Flat", null, Transform.IDENTITY, empty, List.of(BLUE), true),
        new Node("Red", "Red", null, Transform.IDENTITY, red, List.of(RED), true)));
    JsonNode a = ack("Holes", publish(s, meshes));
    assertThat(a.path("status").asText()).isEqualTo("ok");
    assertThat(a.path("reason").asText()).isEqualTo("node \"Flat\": its mesh has no faces; skipped");
    assertThat(err.text()).contains("livelink: Holes version 1: node \"Flat\": its mesh has no faces; skipped");
    assertThat(files(folder)).containsExactly("Holes.mtl", "Holes.obj");
    assertThat(Formats.read(folder.resolve("Holes.obj"))).extracting(Part::name).containsExactly("Red");
  }

  @Test
  void aFolderThatNoLongerTakesFilesFailsTheAckNamingTheFile() throws Exception {
    Path sub = folder.resolve("sub");
    SceneFiles.checkWritable(sub);
    running(receiver(sub, ExportFormat.GLB, List.of("*"), null));
    Files.delete(sub);
    Files.writeString(sub, "a file where the folder was");
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    JsonNode a = ack("Demo", publish(assembly("Demo", 200, meshes), meshes));
    assertThat(a.path("status").asText()).isEqualTo("failed");
    assertThat(a.path("reason").asText()).isEqualTo("cannot write " + sub.resolve("Demo.glb") + ": Not a directory");
    assertThat(err.text()).contains("livelink: cannot write " + sub.resolve("Demo.glb"));
  }

  @Test
  void stopEndsTheLoopAndGoodbyeLeavesTheHub() throws Exception {
    Receiver r = receiver(folder, ExportFormat.GLB, List.of("*"), null);
    CompletableFuture<Integer> rc = running(r);
    r.stop();
    assertThat(rc.get(WATCHDOG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(0);
    r.close();
    assertThat(client.peers()).isEmpty();
  }

  @Test
  void aHubThatStopsEndsTheLoopSayingSo() throws Exception {
    Receiver r = receiver(folder, ExportFormat.GLB, List.of("*"), null);
    CompletableFuture<Integer> rc = running(r);
    Map<String, MeshData> meshes = new java.util.LinkedHashMap<>();
    ack("Demo", publish(assembly("Demo", 200, meshes), meshes)); // the stream is open
    hub.stop();
    assertThat(rc.get(WATCHDOG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
    // Whether the hub's last "bye" is read before the connection closes is up to the network: one line either way.
    assertThat(err.text()).startsWith("livelink: the hub ended the event stream").endsWith("\n")
        .hasLineCount(1);
    r.close(); // no hub to say goodbye to: quietly nothing
  }
}
