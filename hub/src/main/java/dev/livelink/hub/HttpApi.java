package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.livelink.model.ModelException;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.SceneStore;
import dev.livelink.store.StoreException;
import dev.livelink.wire.BlobBatchException;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The HTTP side of docs/protocol.md: checks host, origin and token, finds the route in one table, and turns every
 * refusal into a JSON error. The handlers live in one class per resource.
 */
final class HttpApi implements HttpHandler {
  // Unread request bytes would be taken as the next request on this keep-alive connection.
  private static final int MAX_ERROR_DRAIN = 1 << 20;

  private final RuntimeFile runtime;
  private final Peers peers = new Peers();
  private final Routes routes;
  private final Set<String> allowedHosts;
  private final Set<String> allowedOrigins;

  HttpApi(RuntimeFile runtime, SceneStore store) {
    this.runtime = runtime;
    int p = runtime.port();
    allowedHosts = Set.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "127.0.0.1", "localhost", "[::1]");
    allowedOrigins = Set.of("http://127.0.0.1:" + p, "http://localhost:" + p, "http://[::1]:" + p);
    AckBoard acks = new AckBoard();
    HubRoutes hub = new HubRoutes(runtime, store, peers);
    PeerRoutes peer = new PeerRoutes(runtime, store, peers, acks);
    BlobRoutes blob = new BlobRoutes(store.blobs());
    SceneRoutes scene = new SceneRoutes(store, peers, acks);
    AckRoutes ack = new AckRoutes(store, peers, acks);
    // The endpoint table of docs/protocol.md, in its order.
    routes = new Routes()
        .add("GET", "/v1/hub", hub::status)
        .add("POST", "/v1/peers", peer::register)
        .add("GET", "/v1/peers", peer::list)
        .add("DELETE", "/v1/peers/{peer}", peer::remove)
        .add("GET", "/v1/peers/{peer}/events", peer::events)
        .add("POST", "/v1/blobs/missing", blob::missing)
        .add("PUT", "/v1/blobs/{hash}", blob::put)
        .add("POST", "/v1/blobs", blob::upload)
        .add("GET", "/v1/blobs/{hash}", blob::get)
        .add("POST", "/v1/blobs/fetch", blob::fetch)
        .add("POST", "/v1/scenes", scene::publish)
        .add("GET", "/v1/scenes", scene::list)
        .add("GET", "/v1/scenes/{scene}/delta", scene::delta)
        .add("POST", "/v1/scenes/{scene}/versions/{version}/acks", ack::ack)
        .add("GET", "/v1/scenes/{scene}/versions/{version}/acks", ack::await)
        .add(Routes.ANY, "/v1/scenes/{scene}/versions/{version}/acks", ack::notAllowed);
  }

  void shutdown() {
    peers.closeAll();
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    long started = System.nanoTime();
    try (ex) {
      try {
        guard(ex);
        Routes.Match m = routes.find(ex.getRequestMethod(), ex.getRequestURI().getPath());
        m.handler().handle(new Request(ex, started, m.params()));
      } catch (HubException e) {
        error(ex, started, e.status(), e.getMessage(), e.missing());
      } catch (ModelException | StoreException e) {
        error(ex, started, 400, e.getMessage(), List.of());
      } catch (BlobBatchException e) {
        error(ex, started, e.overLimit() ? 413 : 400, e.getMessage(), List.of());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // The client went away mid-exchange; nothing to answer.
      } catch (RuntimeException e) {
        error(ex, started, 500, "internal error: " + e, List.of());
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

  private static void error(HttpExchange ex, long started, int status, String message, List<String> missing) {
    ObjectNode o = Json.object();
    o.put("error", message);
    if (!missing.isEmpty()) {
      ArrayNode a = o.putArray("missing");
      missing.forEach(a::add);
    }
    try {
      ex.getRequestBody().readNBytes(MAX_ERROR_DRAIN);
      Request.sendJson(ex, started, status, o);
    } catch (IOException e) {
      // Headers were already sent or the client left; the connection closes.
    }
  }
}
