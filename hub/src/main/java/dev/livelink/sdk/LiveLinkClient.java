package dev.livelink.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.ModelException;
import dev.livelink.model.Scene;
import dev.livelink.model.ScenePatch;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import dev.livelink.wire.PatchJson;
import dev.livelink.wire.SceneJson;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The Java SDK: everything a JVM application needs to publish scenes to, and receive them from, a livelink hub.
 * Find the hub with {@link #connect(Path)}; blobs go up with {@link #upload}, a scene with {@link #publish}.
 */
public final class LiveLinkClient {
  private final HttpClient http;
  private final URI base;
  private final String token;
  private volatile String lastServerTiming = "";
  /** The last version of each scene this client published, for the next publish to send only what changed. */
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();

  private volatile boolean lastPatched;

  private record Sent(int version, Scene scene) {}

  public LiveLinkClient(int port, String token) {
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    this.base = URI.create("http://127.0.0.1:" + port + "/v1/");
    this.token = token;
  }

  /** A client for the hub whose runtime file is in {@code home}. */
  public static LiveLinkClient connect(Path home) {
    RuntimeFile rf;
    try {
      rf = RuntimeFile.read(home);
    } catch (IOException | ModelException e) {
      throw new ClientException("cannot read " + home.resolve(RuntimeFile.NAME) + ": " + e.getMessage());
    }
    if (rf == null) {
      throw new ClientException("no hub is running for " + home + " (no " + RuntimeFile.NAME
          + "); start one with: livelink hub");
    }
    return new LiveLinkClient(rf.port(), rf.token());
  }

  private HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofMinutes(5));
  }

  private JsonNode send(HttpRequest r) {
    HttpResponse<byte[]> resp = exchange(r, HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = resp.body();
    if (resp.statusCode() >= 400) {
      throw error(resp.statusCode(), body);
    }
    return body.length == 0 ? Json.object() : Json.parseObject(body);
  }

  private <T> HttpResponse<T> exchange(HttpRequest r, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> resp;
    try {
      resp = http.send(r, handler);
    } catch (ConnectException e) {
      throw new ClientException("the hub at " + base + " does not answer (connection refused)");
    } catch (IOException e) {
      throw new ClientException("the hub at " + base + " does not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted");
    }
    lastServerTiming = resp.headers().firstValue("Server-Timing").orElse("");
    return resp;
  }

  /** The hub's error answer as an exception: its message, and the blobs it names as missing. */
  private static ClientException error(int status, byte[] body) {
    JsonNode o;
    try {
      o = body.length == 0 ? Json.object() : Json.parseObject(body);
    } catch (RuntimeException e) {
      o = Json.object();
    }
    List<String> missing = new ArrayList<>();
    o.path("missing").forEach(m -> missing.add(m.asText()));
    return new ClientException(status, o.path("error").asText("HTTP " + status), missing);
  }

  private JsonNode postJson(String path, JsonNode body) {
    return send(req(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build());
  }

  /** The hub's own time for the last request (its Server-Timing header), or -1. */
  public double lastServerMillis() {
    return lastServerMillis("hub");
  }

  /** One metric of the last answer's Server-Timing ({@code hub}, or a part the hub names), in ms, or -1. */
  public double lastServerMillis(String metric) {
    for (String m : lastServerTiming.split(",")) {
      String[] parts = m.trim().split(";");
      if (parts[0].equals(metric)) {
        for (String p : parts) {
          if (p.startsWith("dur=")) {
            try {
              return Double.parseDouble(p.substring(4));
            } catch (NumberFormatException e) {
              return -1;
            }
          }
        }
      }
    }
    return -1;
  }

  public JsonNode status() {
    return send(req("hub").GET().build());
  }

  /** A one-time login URL for the hub's page (see {@code livelink open}). */
  public String pageLogin() {
    return postJson("page/logins", Json.object()).path("url").asText();
  }

  public ArrayNode peers() {
    return (ArrayNode) send(req("peers").GET().build()).path("peers");
  }

  public String register(String app, String appVersion, String document, String role, List<String> accepts) {
    return register(app, appVersion, document, role, accepts, null);
  }

  /**
   * Registers a peer. {@code from} names the applications whose untargeted versions it receives ({@code ["*"]}:
   * every one); null leaves it to the hub's default, every one.
   *
   * @return the peer id
   */
  public String register(String app, String appVersion, String document, String role, List<String> accepts,
      List<String> from) {
    ObjectNode o = Json.object();
    o.put("app", app).put("appVersion", appVersion).put("pid", ProcessHandle.current().pid())
        .put("document", document).put("role", role);
    accepts.forEach(o.putArray("accepts")::add);
    if (from != null) {
      from.forEach(o.putArray("from")::add);
    }
    return postJson("peers", o).path("id").asText();
  }

  /** Says goodbye: the hub drops the peer and ends its event stream. */
  public void goodbye(String peer) {
    send(req("peers/" + peer).timeout(Duration.ofSeconds(5)).DELETE().build());
  }

  /** Encodes meshes into blobs, keyed by their SHA-256 in the order given. */
  public static Map<String, byte[]> blobs(List<MeshData> meshes) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (MeshData m : meshes) {
      byte[] b = MeshBlob.encode(m);
      out.put(Sha256.hex(b), b);
    }
    return out;
  }

  /** Uploads the blobs the hub lacks, in one {@link BlobBatch} request. @return how many were uploaded */
  public int upload(Map<String, byte[]> blobs, BiConsumer<Long, Long> progress) {
    List<String> missing = missing(blobs.keySet());
    if (!missing.isEmpty()) {
      upload(blobs, missing, progress);
    }
    return missing.size();
  }

  /** Which of {@code hashes} the hub lacks (and it keeps those it has for an hour, for the publish to come). */
  public List<String> missing(Collection<String> hashes) {
    ObjectNode q = Json.object();
    hashes.forEach(q.putArray("hashes")::add);
    List<String> missing = new ArrayList<>();
    postJson("blobs/missing", q).path("missing").forEach(m -> missing.add(m.asText()));
    return missing;
  }

  /** Uploads the blobs of {@code hashes}, whether the hub has them or not, in one {@link BlobBatch} request. */
  public void upload(Map<String, byte[]> blobs, List<String> hashes, BiConsumer<Long, Long> progress) {
    // Headers and blobs as separate slices: the blobs go out without being copied into one body.
    long total = 0;
    List<ByteBuffer> parts = new ArrayList<>();
    for (String h : hashes) {
      byte[] b = blobs.get(h);
      total += BlobBatch.frameSize(b.length);
      parts.add(ByteBuffer.wrap(BlobBatch.header(h, b.length)));
      parts.add(ByteBuffer.wrap(b));
    }
    final long size = total;
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofByteArrays(() -> new ProgressIterator(parts, size, progress)), size);
    send(req("blobs").header("Content-Type", "application/octet-stream").POST(body).build());
  }

  /**
   * Publishes a scene version. {@code targets} empty = every receiver.
   *
   * <p>After this client published the scene once, the next publish sends only what changed since
   * ({@code POST /v1/scenes/{id}/versions}) when that is fewer nodes than the scene: nodes are compared by identity
   * first, so a caller that keeps the {@code Node} objects of unchanged parts pays a lookup for each. When the hub
   * holds a newer version than the one this client sent (409), the whole scene is published instead, once. Nodes
   * and scenes are immutable, so what is remembered cannot change under the caller.
   */
  public JsonNode publish(Scene scene, List<String> targets, String sender) {
    Sent last = sent.get(scene.id());
    ScenePatch patch = last == null ? null : ScenePatch.between(last.scene(), last.version(), scene);
    JsonNode answer = null;
    if (patch != null && patch.upsert().size() < scene.nodes().size()) {
      try {
        answer = postJson("scenes/" + scene.id() + "/versions", routed(PatchJson.write(patch), targets, sender));
      } catch (ClientException e) {
        if (e.status() != 409 || !e.missing().isEmpty()) {
          throw e; // refused as a whole publish would be, or blobs the hub lacks: the caller uploads them
        }
        sent.remove(scene.id()); // another version came in since ours: publish whole
      }
    }
    if (answer == null) {
      return publishWhole(scene, targets, sender);
    }
    sent.put(scene.id(), new Sent(answer.path("version").asInt(), scene));
    lastPatched = true;
    return answer;
  }

  /** Publishes the whole scene, whatever this client sent before. {@code targets} empty = every receiver. */
  public JsonNode publishWhole(Scene scene, List<String> targets, String sender) {
    ObjectNode o = routed(Json.object(), targets, sender);
    o.set("scene", SceneJson.write(scene));
    JsonNode answer = postJson("scenes", o);
    sent.put(scene.id(), new Sent(answer.path("version").asInt(), scene));
    lastPatched = false;
    return answer;
  }

  /** Whether the last {@link #publish} went as a patch (what changed) rather than the whole scene. */
  public boolean lastPublishWasPatch() {
    return lastPatched;
  }

  private static ObjectNode routed(ObjectNode o, List<String> targets, String sender) {
    if (sender != null) {
      o.put("sender", sender);
    }
    if (!targets.isEmpty()) {
      targets.forEach(o.putArray("targets")::add);
    }
    return o;
  }

  /** Waits up to {@code timeoutMillis} for the version's receivers to ack; returns acks and who is pending. */
  public JsonNode awaitAcks(String scene, int version, long timeoutMillis) {
    return send(req("scenes/" + scene + "/versions/" + version + "/acks?wait=" + timeoutMillis).GET().build());
  }

  public JsonNode delta(String scene, int from) {
    return send(req("scenes/" + scene + "/delta?from=" + from).GET().build());
  }

  /**
   * Many blobs in one request ({@code POST /v1/blobs/fetch}, answered in the {@link BlobBatch} framing).
   *
   * @return the bytes of each hash asked for
   * @throws ClientException 404 naming the first blob the hub lacks, or naming one its answer left out
   */
  public Map<String, byte[]> fetchBlobs(Collection<String> hashes) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (hashes.isEmpty()) {
      return out;
    }
    ObjectNode q = Json.object();
    hashes.forEach(q.putArray("hashes")::add);
    HttpRequest r = req("blobs/fetch").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(q))).build();
    HttpResponse<InputStream> resp = exchange(r, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = resp.body()) {
      if (resp.statusCode() >= 400) {
        throw error(resp.statusCode(), in.readAllBytes());
      }
      // The cap only guards the arrays: the hub sends what was asked for, each blob under its own limit.
      for (BlobBatch.Frame f : BlobBatch.reader(new BufferedInputStream(in, 1 << 16), Integer.MAX_VALUE - 8)
          .readAll()) {
        out.put(f.hash(), f.data());
      }
    } catch (IOException e) {
      throw new ClientException("could not read blobs from the hub: " + e.getMessage());
    }
    for (String h : hashes) {
      if (!out.containsKey(h)) {
        throw new ClientException(404, "the hub did not return blob " + h, List.of(h));
      }
    }
    return out;
  }

  /**
   * Acks a version this peer was sent: {@code reason} is empty when it was applied, else why not (the sender shows
   * it); {@code timings} as docs/protocol.md lists them (fetch_ms, build_ms, total_ms, objects).
   */
  public void ack(String scene, int version, String peer, boolean ok, String reason, ObjectNode timings) {
    ObjectNode o = Json.object();
    o.put("peer", peer).put("status", ok ? "ok" : "failed").put("reason", reason == null ? "" : reason);
    o.set("timings", timings == null ? Json.object() : timings);
    postJson("scenes/" + scene + "/versions/" + version + "/acks", o);
  }

  /**
   * Reads the peer's event stream on the calling thread, handing each event (name, data) to {@code listener}, until
   * the stream ends. Run it on a thread of your own.
   */
  public void events(String peer, BiConsumer<String, JsonNode> listener) {
    HttpResponse<InputStream> r;
    try {
      r = http.send(req("peers/" + peer + "/events").timeout(Duration.ofDays(365)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ClientException("the hub does not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String event = "message";
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            listener.accept(event, Json.parseObject(data.toString().getBytes(StandardCharsets.UTF_8)));
          }
          event = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (IOException e) {
      throw new ClientException("event stream ended: " + e.getMessage());
    }
  }
}
