package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.livelink.model.ModelException;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.SceneStore;
import dev.livelink.store.StoreConflict;
import dev.livelink.store.StoreException;
import dev.livelink.wire.BlobBatchException;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP side of docs/protocol.md: checks host, origin and token, finds the route in one table, refuses a body
 * declared larger than the route takes before reading any of it, and turns every refusal into a JSON error. The
 * handlers live in one class per resource.
 */
final class HttpApi implements HttpHandler {
  private final byte[] expectedAuthorization;
  private final Limits limits;
  private final Workers workers;
  private final AckBoard acks = new AckBoard();
  private final Peers peers;
  private final Routes routes;
  private final Set<String> allowedHosts;
  private final Set<String> allowedOrigins;
  /** Blob uploads and publishes begun: what tells the warm-up that a real send has come. */
  private final AtomicLong sends = new AtomicLong();
  /** What is discarded of the body of a caller without the token, before its connection is closed. */
  private static final long UNAUTHENTICATED_DRAIN = 64 << 10;
  /** What is discarded of a refused chunked body, whose end nothing announces. */
  private static final long CHUNKED_DRAIN = 64L << 20;

  HttpApi(RuntimeFile runtime, SceneStore store, Limits limits, Workers workers) {
    this.expectedAuthorization = ("Bearer " + runtime.token()).getBytes(StandardCharsets.UTF_8);
    this.limits = limits;
    this.workers = workers;
    this.peers = new Peers(limits, acks::peersChanged);
    int p = runtime.port();
    allowedHosts = Set.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "127.0.0.1", "localhost", "[::1]");
    allowedOrigins = Set.of("http://127.0.0.1:" + p, "http://localhost:" + p, "http://[::1]:" + p);
    HubRoutes hub = new HubRoutes(runtime, store, peers);
    PeerRoutes peer = new PeerRoutes(runtime, store, peers, acks);
    BlobRoutes blob = new BlobRoutes(store.blobs(), limits);
    SceneRoutes scene = new SceneRoutes(store, peers, acks, limits);
    AckRoutes ack = new AckRoutes(store, peers, acks);
    // The endpoint table of docs/protocol.md, in its order, with the largest body each takes.
    routes = new Routes()
        .add("GET", "/v1/hub", hub::status)
        .add("POST", "/v1/peers", limits.maxSmallBody, peer::register)
        .add("GET", "/v1/peers", peer::list)
        .add("DELETE", "/v1/peers/{peer}", peer::remove)
        .add("GET", "/v1/peers/{peer}/events", peer::events)
        .add("POST", "/v1/blobs/missing", limits.maxHashListBody, blob::missing)
        .add("PUT", "/v1/blobs/{hash}", limits.maxBlob, blob::put)
        .add("POST", "/v1/blobs", limits.maxBlob + BlobRoutes.BATCH_FRAMING_ALLOWANCE, blob::upload)
        .add("GET", "/v1/blobs/{hash}", blob::get)
        .add("POST", "/v1/blobs/fetch", limits.maxHashListBody, blob::fetch)
        .add("POST", "/v1/scenes", limits.maxSceneBody, scene::publish)
        .add("GET", "/v1/scenes", scene::list)
        .add("GET", "/v1/scenes/{scene}/delta", scene::delta)
        .add("POST", "/v1/scenes/{scene}/versions/{version}/acks", limits.maxSmallBody, ack::ack)
        .add("GET", "/v1/scenes/{scene}/versions/{version}/acks", ack::await)
        .add(Routes.ANY, "/v1/scenes/{scene}/versions/{version}/acks", ack::notAllowed);
  }

  Peers peers() {
    return peers;
  }

  long sends() {
    return sends.get();
  }

  void shutdown() {
    peers.close();
  }

  /**
   * Answers one request. A failure of the connection itself (the client left, or stalled and was cut) is thrown on
   * to the JDK server once the exchange is closed: that is what makes the server close the connection and forget
   * it; swallowed, the server would keep every such dead connection.
   */
  @Override
  public void handle(HttpExchange ex) throws IOException {
    long started = System.nanoTime();
    Watchdog.Guard guard = workers.watchdog.guard();
    guard.disarm(); // the header is in: the JDK server calls the handler once it has read it
    long drain = UNAUTHENTICATED_DRAIN;
    IOException failed = null;
    try {
      try {
        guard(ex);
        drain = limits.maxDrain;
        String path = ex.getRequestURI().getPath();
        Routes.Match m = routes.find(ex.getRequestMethod(), path);
        if (!ex.getRequestMethod().equals("GET") && (path.startsWith("/v1/blobs") || path.startsWith("/v1/scenes"))) {
          sends.incrementAndGet();
        }
        checkDeclaredLength(ex, m.maxBody());
        m.handler().handle(new Request(ex, started, m.params(), m.maxBody(), guard, workers));
      } catch (HubException e) {
        error(ex, guard, started, e.status(), e.getMessage(), e.missing(), drain);
      } catch (StoreConflict e) {
        error(ex, guard, started, 409, e.getMessage(), e.missing(), drain);
      } catch (ModelException | StoreException e) {
        error(ex, guard, started, 400, e.getMessage(), List.of(), drain);
      } catch (BlobBatchException e) {
        error(ex, guard, started, e.overLimit() ? 413 : 400, e.getMessage(), List.of(), drain);
      } catch (InterruptedException e) {
        failed = new IOException("the hub is stopping", e); // its connection goes with it
      } catch (RuntimeException e) {
        error(ex, guard, started, 500, "internal error: " + e, List.of(), drain);
      }
    } catch (IOException e) {
      failed = e;
    } finally {
      guard.arm(Watchdog.Phase.DRAIN);
      try {
        ex.close();
      } finally {
        guard.disarm();
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** DNS-rebinding and cross-site defence first, then the token, compared in constant time. */
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
    if (!MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
      throw new HubException(401, "wrong token in Authorization header");
    }
  }

  /** A body declared larger than the route takes is refused before a byte of it is read. */
  private static void checkDeclaredLength(HttpExchange ex, long max) {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    if (len == null) {
      return; // none, or chunked: counted while it is read (see Request)
    }
    long l;
    try {
      l = Long.parseLong(len.trim());
    } catch (NumberFormatException e) {
      throw new HubException(400, "Content-Length \"" + len + "\" is not a number");
    }
    if (l > max) {
      throw new HubException(413, "body of " + l + " bytes is over the limit of " + max + " bytes");
    }
  }

  /** Answers a refusal; throws when the connection itself failed meanwhile. */
  private static void error(HttpExchange ex, Watchdog.Guard guard, long started, int status, String message,
      List<String> missing, long drain) throws IOException {
    ObjectNode o = Json.object();
    o.put("error", message);
    if (!missing.isEmpty()) {
      ArrayNode a = o.putArray("missing");
      missing.forEach(a::add);
    }
    if (status == 413) {
      // What is left of the body is not read; the connection cannot carry another request.
      ex.getResponseHeaders().set("Connection", "close");
    }
    // Unread request bytes would be taken as the next request on this keep-alive connection: the answer goes
    // out first, then a bounded amount is discarded. A chunked body declares no end: less of it is waited for.
    boolean declared = ex.getRequestHeaders().getFirst("Content-Length") != null;
    Request.sendJson(ex, guard, started, status, o, declared ? drain : Math.min(drain, CHUNKED_DRAIN));
  }
}
