package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import dev.livelink.store.SceneStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubHttpTest {
  @TempDir Path home;
  TestHub t;

  @BeforeEach
  void start() throws Exception {
    t = new TestHub(home);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  static ObjectNode scene(String id, String... nodeAndMesh) {
    ObjectNode s = Json.object().put("id", id).put("name", id).put("source", "test").put("units", "mm").put("up", "Z");
    var nodes = s.putArray("nodes");
    for (int i = 0; i < nodeAndMesh.length; i += 2) {
      ObjectNode n = nodes.addObject().put("id", nodeAndMesh[i]).put("name", nodeAndMesh[i]);
      n.put("mesh", nodeAndMesh[i + 1]);
      n.putArray("materials").addObject().put("name", "red").putArray("color").add(1).add(0).add(0).add(1);
    }
    return s;
  }

  static ObjectNode publish(ObjectNode scene, String... targets) {
    ObjectNode o = Json.object();
    o.set("scene", scene);
    if (targets.length > 0) {
      var a = o.putArray("targets");
      for (String x : targets) a.add(x);
    }
    return o;
  }

  static List<String> ids(JsonNode peersAnswer) {
    List<String> ids = new ArrayList<>();
    peersAnswer.get("peers").forEach(p -> ids.add(p.get("id").asText()));
    return ids;
  }

  /** After each refusal the hub must still answer. */
  void assertStillServing() throws Exception {
    assertThat(t.get("/v1/hub").status()).isEqualTo(200);
  }

  @Test
  void runtimeFileIsPrivateAndRemovedOnStop() throws Exception {
    Path rf = home.resolve("hub.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rf))).isEqualTo("rw-------");
    assertThat(RuntimeFile.read(home).port()).isEqualTo(t.hub.port());
    t.close();
    assertThat(rf).doesNotExist();
  }

  @Test
  void missingOrWrongTokenIs401() throws Exception {
    TestHub.Response r = t.call("GET", "/v1/hub", null, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).startsWith("missing Authorization");
    r = t.call("GET", "/v1/hub", null, "nope");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("wrong token in Authorization header");
    assertStillServing();
  }

  @Test
  void foreignHostOrOriginIs403() throws Exception {
    String auth = "Authorization: Bearer " + t.hub.token();
    String r = t.raw("GET /v1/hub HTTP/1.1\r\nHost: evil.example:" + t.hub.port() + "\r\n" + auth);
    assertThat(r).startsWith("HTTP/1.1 403").contains("Host \\\"evil.example:" + t.hub.port() + "\\\" is not");
    r = t.raw("GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1:" + t.hub.port() + "\r\nOrigin: http://evil.example\r\n" + auth);
    assertThat(r).startsWith("HTTP/1.1 403").contains("Origin \\\"http://evil.example\\\" may not call this hub");
    r = t.raw("GET /v1/hub HTTP/1.1\r\nHost: localhost:" + t.hub.port() + "\r\n" + auth);
    assertThat(r).startsWith("HTTP/1.1 200");
  }

  @Test
  void malformedJsonIs400NamingIt() throws Exception {
    TestHub.Response r = t.call("POST", "/v1/scenes", "{\"scene\": [".getBytes(), t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).startsWith("malformed JSON");
    r = t.call("POST", "/v1/peers", Json.object().put("role", "receiver"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("field \"app\" must be a string");
    assertStillServing();
  }

  @Test
  void blobWhoseBytesDoNotMatchItsHashIsRefused() throws Exception {
    byte[] b = MeshBlob.encode(TestHub.quad(1));
    String wrong = Sha256.hex("other".getBytes());
    TestHub.Response r = t.call("PUT", "/v1/blobs/" + wrong, b, t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("blob bytes hash to " + Sha256.hex(b) + ", not to " + wrong);
    assertThat(t.get("/v1/blobs/" + wrong).status()).isEqualTo(404);
    assertStillServing();
  }

  @Test
  void blobWithIndexOutOfRangeOrHugeHeaderIsRefused() throws Exception {
    byte[] b = MeshBlob.encode(new dev.livelink.model.MeshData(new float[9], new int[] {0, 1, 5}, null, null));
    TestHub.Response r = t.call("PUT", "/v1/blobs/" + Sha256.hex(b), b, t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("mesh blob triangle 0 names vertex 5 but there are 3 vertices");
    byte[] huge = MeshBlob.encode(TestHub.quad(1));
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1 << 31);
    r = t.call("PUT", "/v1/blobs/" + Sha256.hex(huge), huge, t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).contains("declares 4 vertices and 2147483648 triangles");
    assertStillServing();
  }

  @Test
  void manifestNamingMissingBlobsIs409WithTheListAndStoresNothing() throws Exception {
    String have = t.putBlob(TestHub.quad(1));
    String lack = "c".repeat(64);
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(scene("s1", "A", have, "B", lack)));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("missing")).hasSize(1);
    assertThat(r.json().get("missing").get(0).asText()).isEqualTo(lack);
    assertThat(t.get("/v1/scenes").json().get("scenes")).isEmpty();
    JsonNode m = t.call("POST", "/v1/blobs/missing", Json.object().set("hashes", Json.array().add(have).add(lack)))
        .json();
    assertThat(m.get("missing")).hasSize(1);
    assertStillServing();
  }

  @Test
  void deltaHoldsOnlyWhatChanged() throws Exception {
    String m1 = t.putBlob(TestHub.quad(1));
    String m2 = t.putBlob(TestHub.quad(2));
    assertThat(t.call("POST", "/v1/scenes", publish(scene("s", "A", m1, "B", m1))).status()).isEqualTo(201);
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(scene("s", "A", m1, "B", m2, "C", m1)));
    assertThat(r.json().get("version").asInt()).isEqualTo(2);
    JsonNode d = t.get("/v1/scenes/s/delta?from=1").json();
    assertThat(d.get("full").asBoolean()).isFalse();
    assertThat(d.get("added")).hasSize(1);
    assertThat(d.get("added").get(0).get("id").asText()).isEqualTo("C");
    assertThat(d.get("changed")).hasSize(1);
    assertThat(d.get("changed").get(0).get("node").get("id").asText()).isEqualTo("B");
    assertThat(d.get("changed").get(0).get("fields").toString()).isEqualTo("[\"mesh\"]");
    JsonNode full = t.get("/v1/scenes/s/delta?from=0").json();
    assertThat(full.get("full").asBoolean()).isTrue();
    assertThat(full.get("added")).hasSize(3);
    assertThat(t.get("/v1/scenes/nope/delta?from=0").status()).isEqualTo(404);
    assertThat(t.get("/v1/scenes/s/delta?from=x").json().get("error").asText())
        .isEqualTo("from \"x\" is not a non-negative whole number");
    assertThat(t.get("/v1/scenes/s/delta?from=%31").json().get("from").asInt()).isEqualTo(1);
  }

  @Test
  void targetedPublishReachesOnlyTheTargetAndAcksReachTheSender() throws Exception {
    String a = t.register("Blender", "a.blend", "receiver");
    String b = t.register("Blender", "b.blend", "receiver");
    String sender = t.register("FreeCAD", "doc", "sender");
    try (TestHub.Events ea = t.events(a); TestHub.Events eb = t.events(b); TestHub.Events es = t.events(sender)) {
      assertThat(ea.next("hello")).isNotNull();
      assertThat(eb.next("hello")).isNotNull();
      assertThat(es.next("hello")).isNotNull();
      String m = t.putBlob(TestHub.quad(1));
      ObjectNode p = publish(scene("doc", "Box", m), a);
      p.put("sender", sender);
      TestHub.Response r = t.call("POST", "/v1/scenes", p);
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.json().get("targets").toString()).isEqualTo("[\"" + a + "\"]");
      JsonNode ev = ea.next("version");
      assertThat(ev.get("scene").asText()).isEqualTo("doc");
      assertThat(ev.get("version").asInt()).isEqualTo(1);
      ObjectNode ack = Json.object().put("peer", a).put("status", "ok");
      ack.putObject("timings").put("total_ms", 12.5);
      assertThat(t.call("POST", "/v1/scenes/doc/versions/1/acks", ack).status()).isEqualTo(204);
      JsonNode relayed = es.next("ack");
      assertThat(relayed.get("peer").asText()).isEqualTo(a);
      assertThat(relayed.get("document").asText()).isEqualTo("a.blend");
      JsonNode waited = t.get("/v1/scenes/doc/versions/1/acks?wait=2000").json();
      assertThat(waited.get("complete").asBoolean()).isTrue();
      assertThat(waited.get("acks").get(0).get("timings").get("total_ms").asDouble()).isEqualTo(12.5);
      // Each stream is ordered: when b's first version is a later one sent to b, the one for a never reached it.
      assertThat(t.call("POST", "/v1/scenes", publish(scene("other", "Box", m), b)).status()).isEqualTo(201);
      assertThat(eb.next("version").get("scene").asText()).isEqualTo("other");
    }
  }

  @Test
  void publishToEveryoneSkipsTheSenderAndRefusesUnknownTargets() throws Exception {
    String a = t.register("Blender", "a.blend", "receiver");
    String both = t.register("Other", "x", "both");
    String m = t.putBlob(TestHub.quad(1));
    ObjectNode p = publish(scene("doc", "Box", m));
    p.put("sender", both);
    assertThat(t.call("POST", "/v1/scenes", p).json().get("targets").toString()).isEqualTo("[\"" + a + "\"]");
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m), "ghost-1"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("target \"ghost-1\" is not a registered peer");
  }

  @Test
  void peerLeavesWhenItsStreamCloses() throws Exception {
    String a = t.register("Blender", "a.blend", "receiver");
    String watcher = t.register("Watcher", "w", "sender");
    try (TestHub.Events w = t.events(watcher)) {
      assertThat(w.next("hello")).isNotNull();
      TestHub.Events e = t.events(a);
      assertThat(e.next("hello")).isNotNull();
      assertThat(ids(t.get("/v1/peers").json())).containsExactly(a, watcher);
      e.close();
      // The hub notices the closed socket at a heartbeat write and tells the other peers; the deadline is a watchdog.
      JsonNode departed = w.next("peers", p -> !ids(p).contains(a), Duration.ofSeconds(30));
      assertThat(departed).isNotNull();
      assertThat(ids(departed)).containsExactly(watcher);
      assertThat(ids(t.get("/v1/peers").json())).containsExactly(watcher);
    }
  }

  @Test
  void returningReceiverCatchesUpOnConnect() throws Exception {
    String a = t.register("Blender", "a.blend", "receiver");
    String m = t.putBlob(TestHub.quad(1));
    t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m), a));
    assertThat(t.call("DELETE", "/v1/peers/" + a, (JsonNode) null).status()).isEqualTo(204);
    t.call("POST", "/v1/scenes", publish(scene("other", "Box", m)));
    String again = t.register("Blender", "a.blend", "receiver");
    try (TestHub.Events e = t.events(again)) {
      JsonNode hello = e.next("hello");
      assertThat(hello.get("scenes")).hasSize(2);
      JsonNode v1 = e.next("version");
      JsonNode v2 = e.next("version");
      assertThat(java.util.Set.of(v1.get("scene").asText(), v2.get("scene").asText()))
          .containsExactlyInAnyOrder("doc", "other");
    }
  }

  @Test
  void restartLosesNothingAcknowledged() throws Exception {
    String m = t.putBlob(TestHub.quad(1));
    t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m)));
    t.close();
    t = new TestHub(home);
    JsonNode d = t.get("/v1/scenes/doc/delta?from=0").json();
    assertThat(d.get("to").asInt()).isEqualTo(1);
    assertThat(t.get("/v1/blobs/" + m).body()).isEqualTo(MeshBlob.encode(TestHub.quad(1)));
  }

  @Test
  void keepsTwentyVersionsAndCollectsTheirBlobsOnceTheirUploadIsAnHourOld() throws Exception {
    t.close();
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    t = new TestHub(home, Limits.DEFAULTS, new SceneStore.Options(Duration.ofHours(1), Duration.ofDays(1), now::get));
    String first = null;
    for (int i = 1; i <= 23; i++) {
      String m = t.putBlob(TestHub.quad(i));
      if (i == 1) first = m;
      assertThat(t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m))).status()).isEqualTo(201);
    }
    try (var files = Files.list(home.resolve("store/scenes/doc"))) {
      assertThat(files.count()).isEqualTo(20);
    }
    // Version 1 is gone, but its blob was uploaded within the hour: a sender may be about to publish it again.
    assertThat(t.get("/v1/blobs/" + first).status()).isEqualTo(200);
    now.addAndGet(Duration.ofMinutes(61).toMillis());
    assertThat(t.hub.sweepNow()).isEqualTo(3);
    assertThat(t.get("/v1/blobs/" + first).status()).isEqualTo(404);
    assertThat(t.get("/v1/scenes/doc/delta?from=2").json().get("full").asBoolean()).isTrue();
    assertThat(t.get("/v1/scenes/doc/delta?from=10").json().get("full").asBoolean()).isFalse();
  }

  @Test
  void batchUploadStoresManyBlobsAndRefusesATruncatedOne() throws Exception {
    byte[] b1 = MeshBlob.encode(TestHub.quad(1));
    byte[] b2 = MeshBlob.encode(TestHub.quad(2));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] b : new byte[][] {b1, b2}) {
      out.write(Sha256.hex(b).getBytes(StandardCharsets.US_ASCII));
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(b.length).array());
      out.write(b);
    }
    TestHub.Response r = t.call("POST", "/v1/blobs", out.toByteArray(), t.hub.token());
    assertThat(r.json().get("stored")).hasSize(2);
    // The batch is in memory until its blobs have files of their own (a split 250 ms later), then nothing is.
    t.hub.awaitSplit();
    assertThat(t.get("/v1/hub").json().get("pendingBytes").asLong()).isZero();
    byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 5);
    r = t.call("POST", "/v1/blobs", cut, t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).contains("blob batch truncated");
    String h = Sha256.hex(b1);
    r = t.call("POST", "/v1/blobs", BlobBatch.header(h, 1L << 40), t.hub.token());
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().get("error").asText()).isEqualTo("blob batch record 1: " + h + " declares 1099511627776 "
        + "bytes, which takes the batch over its limit of 1073741824 bytes");
    byte[] upper = out.toByteArray();
    upper[0] = 'A';
    r = t.call("POST", "/v1/blobs", upper, t.hub.token());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("blob batch record 1: \"A" + h.substring(1)
        + "\" is not a lowercase hex SHA-256");
    assertStillServing();
  }

  @Test
  void batchFetchAnswersInTheUploadFraming() throws Exception {
    String m1 = t.putBlob(TestHub.quad(1));
    String m2 = t.putBlob(TestHub.quad(2));
    TestHub.Response r = t.call("POST", "/v1/blobs/fetch", Json.object().set("hashes", Json.array().add(m2).add(m1)));
    assertThat(r.status()).isEqualTo(200);
    List<BlobBatch.Frame> frames = BlobBatch.reader(new java.io.ByteArrayInputStream(r.body()), 1 << 20).readAll();
    assertThat(frames).extracting(BlobBatch.Frame::hash).containsExactly(m2, m1);
    assertThat(frames.get(1).data()).isEqualTo(MeshBlob.encode(TestHub.quad(1)));
    String lack = "d".repeat(64);
    r = t.call("POST", "/v1/blobs/fetch", Json.object().set("hashes", Json.array().add(m1).add(lack)));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("no blob " + lack);
  }

  @Test
  void unknownRoutesAre404AndAcksRefuseOtherMethods() throws Exception {
    TestHub.Response r = t.call("PATCH", "/v1/hub", null, t.hub.token());
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("no route PATCH /v1/hub");
    r = t.call("PUT", "/v1/scenes/doc/versions/1/acks", null, t.hub.token());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.json().get("error").asText()).isEqualTo("method PUT not allowed on acks");
    assertThat(t.get("/v1/hub/").status()).isEqualTo(200);
  }

  @Test
  void parentCyclesSelfParentsAndColourWordsAreRefusedNamingTheNode() throws Exception {
    String m = t.putBlob(TestHub.quad(1));
    ObjectNode s = scene("doc", "A", m, "B", m);
    ((ObjectNode) s.get("nodes").get(0)).put("parent", "B");
    ((ObjectNode) s.get("nodes").get(1)).put("parent", "A");
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(s));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("node \"A\": its parents form a cycle A -> B -> A");
    ((ObjectNode) s.get("nodes").get(0)).put("parent", "A");
    assertThat(t.call("POST", "/v1/scenes", publish(s)).json().get("error").asText())
        .isEqualTo("node \"A\" is its own parent");
    ObjectNode red = scene("doc", "A", m);
    ((ObjectNode) red.get("nodes").get(0).get("materials").get(0)).putArray("color").add("red");
    r = t.call("POST", "/v1/scenes", publish(red));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText())
        .isEqualTo("node \"A\": material \"red\": color must be [r, g, b] or [r, g, b, a]");
    ((ObjectNode) red.get("nodes").get(0).get("materials").get(0)).putArray("color").add("red").add(0).add(0);
    assertThat(t.call("POST", "/v1/scenes", publish(red)).json().get("error").asText())
        .isEqualTo("node \"A\": material \"red\": color holds \"red\", not a number");
    assertThat(t.get("/v1/scenes").json().get("scenes")).isEmpty();
  }

  @Test
  void idsThatDifferOnlyByCaseAreRefused() throws Exception {
    String m = t.putBlob(TestHub.quad(1));
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m, "box", m)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("scene \"doc\": node ids \"Box\" and \"box\" differ only by case");
    assertThat(t.call("POST", "/v1/scenes", publish(scene("Doc:1", "Box", m))).status()).isEqualTo(201);
    r = t.call("POST", "/v1/scenes", publish(scene("doc:1", "Box", m)));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("error").asText()).startsWith("scene id \"doc:1\" differs only by case from the scene "
        + "\"Doc:1\" the hub holds");
    assertThat(home.resolve("store/scenes/%44oc%3A1/v1.json")).exists();
  }

  @Test
  void aSceneOverTheNodeLimitIs413() throws Exception {
    t.close();
    t = new TestHub(home, Limits.DEFAULTS.toBuilder().maxNodes(3).build());
    String m = t.putBlob(TestHub.quad(1));
    assertThat(t.call("POST", "/v1/scenes", publish(scene("doc", "A", m, "B", m, "C", m))).status()).isEqualTo(201);
    TestHub.Response r = t.call("POST", "/v1/scenes", publish(scene("doc", "A", m, "B", m, "C", m, "D", m)));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().get("error").asText()).isEqualTo("scene \"doc\" has 4 nodes, over the limit of 3 per scene");
  }

  @Test
  void onlyAPeerAVersionWentToMayAckIt() throws Exception {
    String a = t.register("Blender", "a.blend", "receiver");
    String b = t.register("Blender", "b.blend", "receiver");
    String m = t.putBlob(TestHub.quad(1));
    assertThat(t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m), a)).status()).isEqualTo(201);
    TestHub.Response r = t.call("POST", "/v1/scenes/doc/versions/1/acks", Json.object().put("peer", b)
        .put("status", "ok"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("error").asText()).isEqualTo("peer \"" + b + "\" was not sent version 1 of scene "
        + "\"doc\"; only a peer a version went to acks it");
    r = t.call("POST", "/v1/scenes/doc/versions/1/acks", Json.object().put("peer", "blender-00000000")
        .put("status", "ok"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(t.get("/v1/scenes/doc/versions/1/acks").json().get("acks")).isEmpty();
    // A Blender that comes back with the same .blend is sent the version by catch-up, and may ack it.
    assertThat(t.call("DELETE", "/v1/peers/" + a, (JsonNode) null).status()).isEqualTo(204);
    String again = t.register("Blender", "a.blend", "receiver");
    try (TestHub.Events e = t.events(again)) {
      assertThat(e.next("version").get("version").asInt()).isEqualTo(1);
      assertThat(t.call("POST", "/v1/scenes/doc/versions/1/acks", Json.object().put("peer", again)
          .put("status", "ok")).status()).isEqualTo(204);
    }
  }

  @Test
  void acksOfAVersionThatDoesNotExistAre404() throws Exception {
    TestHub.Response r = t.get("/v1/scenes/doc/versions/7/acks?wait=10");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("no scene \"doc\"");
    String m = t.putBlob(TestHub.quad(1));
    t.call("POST", "/v1/scenes", publish(scene("doc", "Box", m)));
    r = t.get("/v1/scenes/doc/versions/7/acks?wait=10");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("no version 7 of scene \"doc\" (the hub keeps the last 20)");
    r = t.call("POST", "/v1/scenes/doc/versions/7/acks", Json.object().put("peer", "x").put("status", "ok"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(t.get("/v1/scenes/doc/versions/1/acks").json().get("complete").asBoolean()).isTrue();
  }

  @Test
  void aRefusedTokenGetsNoServerTiming() throws Exception {
    String r = t.raw("GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1:" + t.hub.port() + "\r\nAuthorization: Bearer nope");
    assertThat(r).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("Server-Timing");
    r = t.raw("GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1:" + t.hub.port() + "\r\nAuthorization: Bearer "
        + t.hub.token());
    assertThat(r).startsWith("HTTP/1.1 200").containsIgnoringCase("Server-Timing: hub;dur=");
  }

  @Test
  void theHomeAndTheStoreAreCreatedPrivate() throws Exception {
    t.close();
    Path fresh = home.resolve("new/livelink");
    t = new TestHub(fresh);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
    t.putBlob(TestHub.quad(1));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("new"))))
        .isEqualTo("rwx------");
  }
}
