package dev.livelink.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Hub;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A federated hub standing in for one machine: its own home, port and host name; raw JSON calls to it. */
final class FedHub implements AutoCloseable {
  static final Duration WATCHDOG = Duration.ofSeconds(30);

  final Path home;
  final FederationConfig config;
  /** When set, received versions are not made durable nor acked until it opens (see Settler). */
  java.util.concurrent.CountDownLatch hold;
  Hub hub;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  FedHub(Path home, FederationConfig config) throws IOException {
    this.home = home;
    this.config = config;
    start();
  }

  /** With {@code hold} set, its received versions are stored and told but not made durable nor acked until it opens. */
  FedHub(Path home, FederationConfig config, java.util.concurrent.CountDownLatch hold) throws IOException {
    this.home = home;
    this.config = config;
    this.hold = hold;
    start();
  }

  static FederationConfig config(String url, String host) {
    return new FederationConfig(FederationConfig.parseServers(url), "test", null, null, null, null, null, false, host,
        1, Duration.ofSeconds(6));
  }

  void start() throws IOException {
    hub = Hub.create(home, 0).federate(NatsLink.factory(home, config, hold)).start();
  }

  void stop() {
    hub.stop();
  }

  JsonNode call(String method, String path, byte[] body) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/v1/" + path))
        .header("Authorization", "Bearer " + hub.token()).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() >= 300) {
      throw new AssertionError(method + " " + path + " -> " + resp.statusCode() + " " + new String(resp.body()));
    }
    return resp.body().length == 0 ? Json.object() : Json.parseObject(resp.body());
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return call("GET", path, null);
  }

  JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    return call("POST", path, Json.bytes(body));
  }

  JsonNode federation() throws IOException, InterruptedException {
    return get("hub").path("federation");
  }

  /** Waits (polling the hub's status, with a watchdog) until the federation status passes {@code test}. */
  JsonNode awaitFederation(Predicate<JsonNode> test) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WATCHDOG.toNanos();
    JsonNode f = federation();
    while (!test.test(f)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("federation status never passed the test: " + f);
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling another process's state, bounded by the watchdog
      f = federation();
    }
    return f;
  }

  String putBlob(MeshData m) throws IOException, InterruptedException {
    byte[] b = MeshBlob.encode(m);
    String h = Sha256.hex(b);
    call("PUT", "blobs/" + h, b);
    return h;
  }

  /** Uploads blobs in one batch, as the connectors do; their hashes in order. */
  List<String> putBlobs(List<MeshData> meshes) throws IOException, InterruptedException {
    List<dev.livelink.wire.BlobBatch.Frame> frames = new java.util.ArrayList<>();
    for (MeshData m : meshes) {
      byte[] b = MeshBlob.encode(m);
      frames.add(new dev.livelink.wire.BlobBatch.Frame(Sha256.hex(b), b));
    }
    call("POST", "blobs", dev.livelink.wire.BlobBatch.encode(frames));
    return frames.stream().map(dev.livelink.wire.BlobBatch.Frame::hash).toList();
  }

  byte[] blob(String hash) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/v1/blobs/" + hash))
        .header("Authorization", "Bearer " + hub.token()).build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    return resp.statusCode() == 200 ? resp.body() : null;
  }

  String register(String app, String document, String role) throws IOException, InterruptedException {
    return post("peers", Json.object().put("app", app).put("appVersion", "1.0").put("pid", 1)
        .put("document", document).put("role", role)).path("id").asText();
  }

  JsonNode publish(ObjectNode scene, String sender, List<String> targets) throws IOException, InterruptedException {
    ObjectNode o = Json.object().put("sender", sender);
    if (targets != null) {
      ArrayNode t = o.putArray("targets");
      targets.forEach(t::add);
    }
    o.set("scene", scene);
    return post("scenes", o);
  }

  void ack(String scene, int version, String peer, String status) throws IOException, InterruptedException {
    ObjectNode o = Json.object().put("peer", peer).put("status", status).put("reason", "");
    o.putObject("timings").put("fetch_ms", 1.5).put("build_ms", 2.5).put("total_ms", 4.0);
    post("scenes/" + scene + "/versions/" + version + "/acks", o);
  }

  /** A peer's event stream, read on a thread of its own into a queue. */
  final class Events {
    final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();

    Events(String peer) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      Thread t = new Thread(() -> {
        try {
          c.events(peer, (name, data) -> queue.add(Json.object().put("event", name).set("data", data)));
        } catch (RuntimeException e) {
          // The stream ended with its hub.
        }
      }, "events-" + peer);
      t.setDaemon(true);
      t.start();
    }

    /** The next event named {@code name} whose data passes {@code test}; fails after the watchdog. */
    JsonNode next(String name, Predicate<JsonNode> test) throws InterruptedException {
      long deadline = System.nanoTime() + WATCHDOG.toNanos();
      while (true) {
        ObjectNode e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no \"" + name + "\" event passing the test within " + WATCHDOG);
        }
        if (e.path("event").asText().equals(name) && test.test(e.get("data"))) {
          return e.get("data");
        }
      }
    }
  }

  Events events(String peer) {
    return new Events(peer);
  }

  @Override
  public void close() {
    hub.stop();
  }
}
