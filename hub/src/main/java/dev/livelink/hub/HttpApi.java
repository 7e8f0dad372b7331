package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.livelink.model.Delta;
import dev.livelink.model.Ids;
import dev.livelink.model.ModelException;
import dev.livelink.model.Scene;
import dev.livelink.store.BlobStore;
import dev.livelink.store.SceneStore;
import dev.livelink.store.StoreException;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The HTTP routes of docs/protocol.md: checks origin and token, dispatches, turns refusals into JSON errors. */
final class HttpApi implements HttpHandler {
  private static final long MAX_JSON = 64L << 20;
  private static final long MAX_BLOB = 1L << 30;
  private static final long HEARTBEAT_MILLIS = 1000;
  private static final String STARTED = "livelink.started";

  private final RuntimeFile runtime;
  private final SceneStore store;
  private final Peers peers = new Peers();
  private final AckBoard acks = new AckBoard();
  private final Set<String> allowedHosts;
  private final Set<String> allowedOrigins;

  HttpApi(RuntimeFile runtime, SceneStore store) {
    this.runtime = runtime;
    this.store = store;
    int p = runtime.port();
    allowedHosts = Set.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "127.0.0.1", "localhost", "[::1]");
    allowedOrigins = Set.of("http://127.0.0.1:" + p, "http://localhost:" + p, "http://[::1]:" + p);
  }

  void shutdown() {
    peers.closeAll();
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    ex.setAttribute(STARTED, System.nanoTime());
    try (ex) {
      try {
        guard(ex);
        route(ex);
      } catch (HubException e) {
        error(ex, e.status(), e.getMessage(), e.missing());
      } catch (ModelException | StoreException e) {
        error(ex, 400, e.getMessage(), List.of());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // The client went away mid-exchange; nothing to answer.
      } catch (RuntimeException e) {
        error(ex, 500, "internal error: " + e, List.of());
      }
    }
  }

  /** DNS-rebinding and cross-site defence first, then the token. */
  private void guard(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase())) {
      throw new HubException(403, "Host \"" + host + "\" is not this hub's loopback address");
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !allowedOrigins.contains(origin.toLowerCase())) {
      throw new HubException(403, "Origin \"" + origin + "\" may not call this hub");
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null) {
      throw new HubException(401, "missing Authorization: Bearer <token> (the token is in hub.json)");
    }
    if (!auth.equals("Bearer " + runtime.token())) {
      throw new HubException(401, "wrong token in Authorization header");
    }
  }

  private void route(HttpExchange ex) throws IOException, InterruptedException {
    String method = ex.getRequestMethod();
    String[] p = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
    // p[0] is "" (leading slash), p[1] must be "v1".
    if (p.length < 3 || !p[1].equals("v1")) {
      throw new HubException(404, "no route " + method + " " + ex.getRequestURI().getPath());
    }
    String r = p[2];
    int n = p.length;
    if (r.equals("hub") && n == 3 && method.equals("GET")) {
      ObjectNode o = Json.object();
      o.put("app", "livelink").put("version", runtime.version()).put("pid", runtime.pid())
          .put("peers", peers.list().size()).put("scenes", store.latestOfEach().size());
      json(ex, 200, o);
    } else if (r.equals("peers") && n == 3 && method.equals("POST")) {
      register(ex);
    } else if (r.equals("peers") && n == 3 && method.equals("GET")) {
      ObjectNode o = Json.object();
      o.set("peers", peers.toJson());
      json(ex, 200, o);
    } else if (r.equals("peers") && n == 4 && method.equals("DELETE")) {
      if (!peers.remove(p[3])) {
        throw new HubException(404, "no peer \"" + p[3] + "\"");
      }
      acks.peersChanged();
      ex.sendResponseHeaders(204, -1);
    } else if (r.equals("peers") && n == 5 && p[4].equals("events") && method.equals("GET")) {
      events(ex, p[3]);
    } else if (r.equals("blobs") && n == 4 && p[3].equals("missing") && method.equals("POST")) {
      missing(ex);
    } else if (r.equals("blobs") && n == 4 && p[3].equals("fetch") && method.equals("POST")) {
      fetchBatch(ex);
    } else if (r.equals("blobs") && n == 3 && method.equals("POST")) {
      uploadBatch(ex);
    } else if (r.equals("blobs") && n == 4 && method.equals("PUT")) {
      boolean created = store.blobs().put(p[3], body(ex, MAX_BLOB));
      json(ex, created ? 201 : 200, Json.object().put("hash", p[3]).put("created", created));
    } else if (r.equals("blobs") && n == 4 && method.equals("GET")) {
      byte[] b = store.blobs().get(p[3]);
      if (b == null) {
        throw new HubException(404, "no blob " + p[3]);
      }
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    } else if (r.equals("scenes") && n == 3 && method.equals("POST")) {
      publish(ex);
    } else if (r.equals("scenes") && n == 3 && method.equals("GET")) {
      ArrayNode a = Json.array();
      for (SceneStore.Version v : store.latestOfEach()) {
        a.add(SceneJson.header(v.scene()).put("version", v.number()).put("nodes", v.scene().nodes().size()));
      }
      json(ex, 200, Json.object().set("scenes", a));
    } else if (r.equals("scenes") && n == 5 && p[4].equals("delta") && method.equals("GET")) {
      Ids.check("scene id", p[3]);
      int from = intParam(ex, "from", 0);
      if (store.latest(p[3]) == null) {
        throw new HubException(404, "no scene \"" + p[3] + "\"");
      }
      json(ex, 200, SceneJson.write(store.delta(p[3], from)));
    } else if (r.equals("scenes") && n == 7 && p[4].equals("versions") && p[6].equals("acks")) {
      int version = parseInt(p[5], "version");
      if (method.equals("POST")) {
        ack(ex, p[3], version);
      } else if (method.equals("GET")) {
        Set<String> connected = new HashSet<>();
        ObjectNode o = acks.await(p[3], version, Math.min(intParam(ex, "wait", 0), 120_000), () -> {
          connected.clear();
          peers.list().forEach(peer -> connected.add(peer.id()));
          return connected;
        });
        json(ex, 200, o);
      } else {
        throw new HubException(405, "method " + method + " not allowed on acks");
      }
    } else {
      throw new HubException(404, "no route " + method + " " + ex.getRequestURI().getPath());
    }
  }

  private void register(HttpExchange ex) throws IOException {
    ObjectNode o = Json.parseObject(body(ex, MAX_JSON));
    String role = Json.textOr(o, "role", "both");
    if (!Set.of("sender", "receiver", "both").contains(role)) {
      throw new HubException(400, "role \"" + role + "\" must be sender, receiver or both");
    }
    List<String> accepts = new ArrayList<>();
    for (JsonNode a : Json.arrayOr(o, "accepts")) {
      accepts.add(a.asText());
    }
    Peer peer = peers.register(Json.text(o, "app"), Json.textOr(o, "appVersion", ""),
        o.path("pid").asLong(0), Json.textOr(o, "document", ""), role, accepts);
    ObjectNode out = Json.object();
    out.put("id", peer.id());
    out.set("peer", peer.toJson());
    json(ex, 201, out);
  }

  private void events(HttpExchange ex, String peerId) throws IOException, InterruptedException {
    Peer peer = peers.get(peerId);
    if (peer == null) {
      throw new HubException(404, "no peer \"" + peerId + "\" (register first)");
    }
    EventChannel ch = peers.open(peerId, c -> hello(c, peer));
    if (ch == null) {
      throw new HubException(404, "no peer \"" + peerId + "\"");
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    try {
      ch.pump(ex.getResponseBody(), HEARTBEAT_MILLIS);
    } catch (IOException e) {
      // The peer closed its stream: that is how departure is detected.
    } finally {
      peers.closed(peerId, ch);
      acks.peersChanged();
    }
  }

  /** First event of a stream: who the peer is, every scene's latest version, and catch-up for a returning peer. */
  private void hello(EventChannel ch, Peer peer) {
    ObjectNode o = Json.object();
    o.put("peer", peer.id()).put("hub", runtime.version());
    ArrayNode scenes = o.putArray("scenes");
    List<SceneStore.Version> latest = store.latestOfEach();
    for (SceneStore.Version v : latest) {
      scenes.add(SceneJson.header(v.scene()).put("version", v.number()));
    }
    ch.send("hello", o);
    if (!peer.receives()) {
      return;
    }
    for (SceneStore.Version v : latest) {
      if (isFor(v, peer)) {
        ch.send("version", versionEvent(v));
      }
    }
  }

  /** A version is for a (re)connecting receiver when it went to everyone or to a departed peer like it. */
  private boolean isFor(SceneStore.Version v, Peer peer) {
    if (v.targets() == null) {
      return !peer.id().equals(v.sender());
    }
    for (SceneStore.Target t : v.targets()) {
      if (t.peer().equals(peer.id())
          || (t.app().equals(peer.app()) && t.document().equals(peer.document()) && peers.get(t.peer()) == null)) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode versionEvent(SceneStore.Version v) {
    ObjectNode o = Json.object();
    o.put("scene", v.scene().id()).put("name", v.scene().name()).put("version", v.number());
    if (v.sender() == null) o.putNull("sender"); else o.put("sender", v.sender());
    return o;
  }

  private void missing(HttpExchange ex) throws IOException {
    ObjectNode o = Json.parseObject(body(ex, MAX_JSON));
    List<String> hashes = new ArrayList<>();
    for (JsonNode h : Json.arrayOr(o, "hashes")) {
      if (!Ids.isSha256(h.asText())) {
        throw new HubException(400, "\"" + h.asText() + "\" is not a lowercase hex SHA-256");
      }
      hashes.add(h.asText());
    }
    ArrayNode a = Json.array();
    store.blobs().missing(hashes).forEach(a::add);
    json(ex, 200, Json.object().set("missing", a));
  }

  /** Many blobs in one response, in the upload framing; 404 naming the first blob the hub lacks. */
  private void fetchBatch(HttpExchange ex) throws IOException {
    ObjectNode o = Json.parseObject(body(ex, MAX_JSON));
    List<byte[]> parts = new ArrayList<>();
    long size = 0;
    for (JsonNode h : Json.arrayOr(o, "hashes")) {
      if (!Ids.isSha256(h.asText())) {
        throw new HubException(400, "\"" + h.asText() + "\" is not a lowercase hex SHA-256");
      }
      byte[] b = store.blobs().get(h.asText());
      if (b == null) {
        throw new HubException(404, "no blob " + h.asText());
      }
      byte[] head = new byte[72];
      System.arraycopy(h.asText().getBytes(StandardCharsets.US_ASCII), 0, head, 0, 64);
      for (int i = 0; i < 8; i++) {
        head[64 + i] = (byte) ((long) b.length >>> (8 * i));
      }
      parts.add(head);
      parts.add(b);
      size += 72 + b.length;
    }
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    ex.sendResponseHeaders(200, size == 0 ? -1 : size);
    try (OutputStream out = ex.getResponseBody()) {
      for (byte[] part : parts) {
        out.write(part);
      }
    }
  }

  /**
   * Many blobs in one request; framing per blob: 64 ASCII hex digits of SHA-256, u64 LE length, the bytes. The
   * batch is checked whole and stored with one fsync; a bad blob refuses the batch and stores nothing.
   */
  private void uploadBatch(HttpExchange ex) throws IOException {
    InputStream in = new java.io.BufferedInputStream(ex.getRequestBody(), 1 << 20);
    List<BlobStore.Entry> batch = new ArrayList<>();
    byte[] head = new byte[72];
    long total = 0;
    while (true) {
      int got = in.readNBytes(head, 0, 72);
      if (got == 0) {
        break;
      }
      if (got < 72) {
        throw new HubException(400, "blob batch truncated in a record header after " + batch.size() + " blobs");
      }
      String hash = new String(head, 0, 64, StandardCharsets.US_ASCII);
      long len = 0;
      for (int i = 7; i >= 0; i--) {
        len = (len << 8) | (head[64 + i] & 0xff);
      }
      total += len;
      if (len < 0 || len > MAX_BLOB || total > MAX_BLOB) {
        throw new HubException(413, "blob " + hash + " declares " + len + " bytes (a batch holds at most "
            + MAX_BLOB + ")");
      }
      byte[] data = in.readNBytes((int) len);
      if (data.length < len) {
        throw new HubException(400, "blob batch truncated: " + hash + " declares " + len + " bytes, got "
            + data.length);
      }
      batch.add(new BlobStore.Entry(hash, data));
    }
    store.blobs().putAll(batch);
    ArrayNode stored = Json.array();
    batch.forEach(e -> stored.add(e.hash()));
    json(ex, 200, Json.object().set("stored", stored));
  }

  private void publish(HttpExchange ex) throws IOException {
    ObjectNode o = Json.parseObject(body(ex, MAX_JSON));
    Scene scene = SceneJson.scene(o.get("scene"));
    String sender = Json.textOr(o, "sender", null);
    if (sender != null && peers.get(sender) == null) {
      throw new HubException(404, "sender \"" + sender + "\" is not a registered peer");
    }
    List<SceneStore.Target> targets = null;
    Set<String> deliverTo = new LinkedHashSet<>();
    JsonNode t = o.get("targets");
    if (t != null && !t.isNull()) {
      if (!t.isArray() || t.isEmpty()) {
        throw new HubException(400, "field \"targets\" must be a non-empty array of peer ids, or absent");
      }
      targets = new ArrayList<>();
      for (JsonNode id : t) {
        Peer peer = peers.get(id.asText());
        if (peer == null) {
          throw new HubException(404, "target \"" + id.asText() + "\" is not a registered peer");
        }
        if (!peer.receives()) {
          throw new HubException(400, "target \"" + id.asText() + "\" is a " + peer.role() + ", not a receiver");
        }
        targets.add(new SceneStore.Target(peer.id(), peer.app(), peer.document()));
        deliverTo.add(peer.id());
      }
    } else {
      for (Peer peer : peers.list()) {
        if (peer.receives() && !peer.id().equals(sender)) {
          deliverTo.add(peer.id());
        }
      }
    }
    List<String> missing = store.blobs().missing(scene.meshes());
    if (!missing.isEmpty()) {
      throw new HubException(409, missing.size() + " mesh blob(s) are not on the hub: upload them first", missing);
    }
    SceneStore.Version previous = store.latest(scene.id());
    SceneStore.Version v = store.publish(scene, sender, targets);
    acks.expect(scene.id(), v.number(), deliverTo);
    ObjectNode event = versionEvent(v);
    for (String id : deliverTo) {
      peers.send(id, "version", event);
    }
    Delta d = previous == null ? Delta.full(scene, v.number())
        : Delta.between(previous.scene(), previous.number(), scene, v.number());
    ObjectNode out = Json.object();
    out.put("scene", scene.id()).put("version", v.number());
    ArrayNode to = out.putArray("targets");
    deliverTo.forEach(to::add);
    out.putObject("delta").put("added", d.added().size()).put("changed", d.changed().size())
        .put("removed", d.removed().size());
    json(ex, 201, out);
  }

  private void ack(HttpExchange ex, String scene, int version) throws IOException {
    ObjectNode o = Json.parseObject(body(ex, MAX_JSON));
    String peer = Json.text(o, "peer");
    String status = Json.text(o, "status");
    if (!status.equals("ok") && !status.equals("failed")) {
      throw new HubException(400, "ack status \"" + status + "\" must be ok or failed");
    }
    SceneStore.Version v = store.version(scene, version);
    if (v == null) {
      throw new HubException(404, "no version " + version + " of scene \"" + scene + "\"");
    }
    ObjectNode ack = Json.object();
    ack.put("scene", scene).put("version", version).put("peer", peer).put("status", status)
        .put("reason", Json.textOr(o, "reason", ""));
    Peer p = peers.get(peer);
    if (p != null) {
      ack.put("app", p.app()).put("appVersion", p.appVersion()).put("document", p.document());
    }
    JsonNode timings = o.get("timings");
    ack.set("timings", timings != null && timings.isObject() ? timings : Json.object());
    acks.ack(scene, version, peer, ack);
    if (v.sender() != null) {
      peers.send(v.sender(), "ack", ack);
    }
    ex.sendResponseHeaders(204, -1);
  }

  private static byte[] body(HttpExchange ex, long max) throws IOException {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    if (len != null) {
      long l;
      try {
        l = Long.parseLong(len);
      } catch (NumberFormatException e) {
        throw new HubException(400, "Content-Length \"" + len + "\" is not a number");
      }
      if (l > max) {
        throw new HubException(413, "body of " + l + " bytes is over the limit of " + max);
      }
    }
    byte[] b = ex.getRequestBody().readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 16));
    if (b.length > max) {
      throw new HubException(413, "body is over the limit of " + max + " bytes");
    }
    return b;
  }

  private static int intParam(HttpExchange ex, String name, int dflt) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return dflt;
    }
    for (String kv : q.split("&")) {
      if (kv.startsWith(name + "=")) {
        return parseInt(kv.substring(name.length() + 1), name);
      }
    }
    return dflt;
  }

  private static int parseInt(String s, String what) {
    try {
      int v = Integer.parseInt(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new HubException(400, what + " \"" + s + "\" is not a non-negative whole number");
    }
  }

  private static void json(HttpExchange ex, int status, JsonNode o) throws IOException {
    byte[] b = Json.bytes(o);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    // The hub's own time for this request, so clients and benchmarks can tell it from network and client time.
    Object t0 = ex.getAttribute(STARTED);
    if (t0 instanceof Long start) {
      ex.getResponseHeaders().set("Server-Timing",
          String.format(java.util.Locale.ROOT, "hub;dur=%.3f", (System.nanoTime() - start) / 1e6));
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void error(HttpExchange ex, int status, String message, List<String> missing) {
    ObjectNode o = Json.object();
    o.put("error", message);
    if (!missing.isEmpty()) {
      ArrayNode a = o.putArray("missing");
      missing.forEach(a::add);
    }
    try {
      // Unread request bytes would be taken as the next request on this keep-alive connection.
      ex.getRequestBody().readNBytes(MAX_JSON_DRAIN);
      json(ex, status, o);
    } catch (IOException e) {
      // Headers were already sent or the client left; the connection closes.
    }
  }

  private static final int MAX_JSON_DRAIN = 1 << 20;
}
