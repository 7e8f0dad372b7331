package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code from} rule of docs/protocol.md ("Who receives what"): which receivers a version without targets
 * reaches, live and by catch-up, across peer and hub restarts.
 */
class WhoReceivesWhatTest {
  @TempDir Path home;
  TestHub t;
  String mesh;
  int markers;

  @BeforeEach
  void start() throws Exception {
    t = new TestHub(home);
    mesh = t.putBlob(TestHub.quad(1));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** Registers a peer; {@code from} null leaves the field out. */
  TestHub.Response registerFrom(String app, String document, String role, JsonNode from) throws Exception {
    ObjectNode o = Json.object().put("app", app).put("appVersion", "1.0").put("pid", 42).put("document", document)
        .put("role", role);
    if (from != null) {
      o.set("from", from);
    }
    return t.call("POST", "/v1/peers", o);
  }

  String peer(String app, String document, String role, String... from) throws Exception {
    ArrayNode a = Json.array();
    for (String f : from) {
      a.add(f);
    }
    TestHub.Response r = registerFrom(app, document, role, a);
    assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  /** Publishes scene {@code id} without targets; {@code sender} null for a publish no peer makes. */
  List<String> publish(String id, String sender) throws Exception {
    ObjectNode p = HubHttpTest.publish(HubHttpTest.scene(id, "Box", mesh));
    if (sender != null) {
      p.put("sender", sender);
    }
    TestHub.Response r = t.call("POST", "/v1/scenes", p);
    assertThat(r.status()).as(r.json().toString()).isEqualTo(201);
    List<String> to = new ArrayList<>();
    r.json().get("targets").forEach(x -> to.add(x.asText()));
    return to;
  }

  /**
   * The scenes the stream of a newly connected peer is sent by catch-up. A marker version targeted at the peer after
   * its hello closes the list: a stream is ordered, so every catch-up event comes before it. Earlier markers (each a
   * scene of its own, targeted) are left out of the list.
   */
  List<String> caughtUp(String peer) throws Exception {
    try (TestHub.Events e = t.events(peer)) {
      assertThat(e.next("hello")).isNotNull();
      String marker = "marker" + markers++;
      assertThat(t.call("POST", "/v1/scenes", HubHttpTest.publish(HubHttpTest.scene(marker, "Box", mesh), peer))
          .status()).isEqualTo(201);
      List<String> scenes = new ArrayList<>();
      for (JsonNode v; !(v = e.next("version")).get("scene").asText().equals(marker); ) {
        if (!v.get("scene").asText().startsWith("marker")) {
          scenes.add(v.get("scene").asText());
        }
      }
      return scenes;
    }
  }

  @Test
  void fromDefaultsToEveryApplicationAndIsShownInThePeerList() throws Exception {
    TestHub.Response r = registerFrom("Blender", "a.blend", "both", null);
    assertThat(r.json().get("peer").get("from").toString()).isEqualTo("[\"*\"]");
    String freecad = peer("FreeCAD", "doc", "both", "Blender");
    JsonNode listed = t.get("/v1/peers").json().get("peers").get(1);
    assertThat(listed.get("id").asText()).isEqualTo(freecad);
    assertThat(listed.get("from").toString()).isEqualTo("[\"Blender\"]");
  }

  @Test
  void aBadFromIs400QuotingIt() throws Exception {
    List<String> errors = new ArrayList<>();
    ArrayNode tooMany = Json.array();
    for (int i = 0; i <= PeerRoutes.MAX_FROM; i++) {
      tooMany.add("App" + i);
    }
    for (JsonNode bad : List.of(Json.MAPPER.readTree("\"Blender\""), Json.array(), Json.array().add(""),
        Json.array().add("Blender").add(3), Json.array().add("x".repeat(PeerRoutes.MAX_APP_NAME + 1)), tooMany)) {
      TestHub.Response r = registerFrom("FreeCAD", "doc", "both", bad);
      assertThat(r.status()).isEqualTo(400);
      errors.add(r.json().get("error").asText());
    }
    assertThat(errors).containsExactly(
        "field \"from\" must be a non-empty array of application names or [\"*\"], got \"Blender\"",
        "field \"from\" must be a non-empty array of application names or [\"*\"], got []",
        "field \"from\" holds \"\", not an application name (a non-empty string of at most 100 characters)",
        "field \"from\" holds 3, not an application name (a non-empty string of at most 100 characters)",
        "field \"from\" holds \"" + "x".repeat(101) + "\", not an application name (a non-empty string of at most "
            + "100 characters)",
        "field \"from\" names 65 applications, over the limit of 64");
    assertThat(t.get("/v1/peers").json().get("peers")).isEmpty();
  }

  @Test
  void aVersionWithoutTargetsReachesTheReceiversThatTakeFromItsSenderAndNeverTheSender() throws Exception {
    String blender = peer("Blender", "a.blend", "both", "*");
    String freecad = peer("FreeCAD", "doc", "both", "blender"); // any case
    String fromFreecad = peer("livelink", "/out", "receiver", "FreeCAD");
    String fromCli = peer("livelink", "/cli", "receiver", "livelink");
    String watcher = peer("Watcher", "w", "sender", "*");
    assertThat(publish("b", blender)).containsExactly(freecad);
    assertThat(publish("f", freecad)).containsExactly(blender, fromFreecad);
    // No registered sender: the CLI's send, which counts as application "livelink".
    assertThat(publish("c", null)).containsExactly(blender, fromCli);
    assertThat(publish("w", watcher)).containsExactly(blender);
  }

  @Test
  void explicitTargetsWinOverFrom() throws Exception {
    String freecad = peer("FreeCAD", "doc", "both", "Blender");
    String cli = peer("livelink", "/out", "receiver", "Blender");
    try (TestHub.Events e = t.events(freecad)) {
      assertThat(e.next("hello")).isNotNull();
      TestHub.Response r = t.call("POST", "/v1/scenes", HubHttpTest.publish(HubHttpTest.scene("doc", "Box", mesh),
          freecad));
      assertThat(r.json().get("targets").toString()).isEqualTo("[\"" + freecad + "\"]");
      assertThat(e.next("version").get("scene").asText()).isEqualTo("doc");
    }
    // Neither takes from the CLI without targets.
    assertThat(publish("doc", null)).doesNotContain(freecad, cli);
  }

  @Test
  void catchUpRespectsFrom() throws Exception {
    String blender = peer("Blender", "a.blend", "both", "*");
    publish("fromBlender", blender);
    publish("fromCli", null);
    assertThat(caughtUp(peer("FreeCAD", "doc", "both", "Blender"))).containsExactly("fromBlender");
    assertThat(caughtUp(peer("livelink", "/out", "receiver", "livelink"))).containsExactly("fromCli");
    assertThat(caughtUp(peer("livelink", "/all", "receiver", "*")))
        .containsExactlyInAnyOrder("fromBlender", "fromCli");
  }

  @Test
  void aSenderBackUnderANewIdIsNotHandedItsOwnVersionEvenAfterAHubRestart() throws Exception {
    String blender = peer("Blender", "a.blend", "both", "*");
    publish("mine", blender);
    // While the sender is still there, another Blender of the same name is another window: it catches up.
    String twin = peer("Blender", "a.blend", "receiver", "*");
    assertThat(caughtUp(twin)).containsExactly("mine");
    assertThat(t.call("DELETE", "/v1/peers/" + blender, (JsonNode) null).status()).isEqualTo(204);
    assertThat(caughtUp(peer("Blender", "a.blend", "both", "*"))).isEmpty();
    assertThat(caughtUp(peer("Blender", "b.blend", "both", "*"))).containsExactly("mine");
    t.close();
    t = new TestHub(home);
    assertThat(caughtUp(peer("blender", "a.blend", "both", "*"))).isEmpty();
    assertThat(caughtUp(peer("Blender", "b.blend", "both", "*"))).containsExactly("mine");
  }

  @Test
  void versionFilesWrittenBeforeTheSendersApplicationWasRecordedStayReadable() throws Exception {
    t.close();
    // Version files as the hub wrote them before: a sender's id, no application or document.
    write("old", "{\"version\":1,\"sender\":\"blender-0a0b0c0d\",\"time\":1,\"targets\":null,\"meshes\":[\""
        + mesh + "\"],\"scene\":" + HubHttpTest.scene("old", "Box", mesh) + "}");
    write("anon", "{\"version\":1,\"sender\":null,\"time\":1,\"targets\":null,\"meshes\":[\"" + mesh
        + "\"],\"scene\":" + HubHttpTest.scene("anon", "Box", mesh) + "}");
    t = new TestHub(home);
    // An unknown application reaches only those that take from every one; no sender is the CLI's "livelink".
    assertThat(caughtUp(peer("FreeCAD", "doc", "both", "Blender"))).isEmpty();
    assertThat(caughtUp(peer("livelink", "/cli", "receiver", "livelink"))).containsExactly("anon");
    assertThat(caughtUp(peer("livelink", "/all", "receiver", "*"))).containsExactlyInAnyOrder("old", "anon");
    String blender = peer("Blender", "a.blend", "receiver", "Blender");
    assertThat(t.call("POST", "/v1/scenes/old/versions/1/acks", Json.object().put("peer", blender)
        .put("status", "ok")).status()).isEqualTo(403);
  }

  @Test
  void theSendersApplicationAndDocumentAreRecordedInTheVersionFile() throws Exception {
    String freecad = peer("FreeCAD", "Part.FCStd", "both", "Blender");
    publish("doc", freecad);
    String file = Files.readString(home.resolve("store/scenes/doc/v1.json"), StandardCharsets.UTF_8);
    assertThat(file).startsWith("{\"version\":1,\"sender\":\"" + freecad + "\",\"senderApp\":\"FreeCAD\","
        + "\"senderDocument\":\"Part.FCStd\",");
  }

  private void write(String scene, String json) throws Exception {
    Path dir = home.resolve("store/scenes/" + scene);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("v1.json"), json);
  }
}
