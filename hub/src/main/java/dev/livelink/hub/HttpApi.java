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
import dev.livelink.web.Assets;
import dev.livelink.web.Sessions;
import dev.livelink.wire.BlobBatchException;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP side of docs/protocol.md: checks host, origin and token (or the page's session, where the route takes
 * it), finds the route in one table, refuses a body declared larger than the route takes before reading any of it,
 * and turns every refusal into a JSON error. The handlers live in one class per resource.
 */
final class HttpApi implements HttpHandler {
  private final byte[] expectedAuthorization;
  private final Limits limits;
  private final Workers workers;
  private final AckBoard acks = new AckBoard();
  private final Peers peers;
  private final HubEvents events;
  private final PageRoutes page;
  private final Routes routes;
  private final Federation federation;
  private final Set<String> allowedHosts;
  private final Set<String> allowedOrigins;
  /** Blob uploads and publishes begun: what tells the warm-up that a real send has come. */
  private final AtomicLong sends = new AtomicLong();
  /** Requests being answered; stop() waits, a little, for them to be answered (guarded by itself). */
  private final int[] answering = new int[1];
  /** What is discarded of the body of a caller without the token, before its connection is closed. */
  private static final long UNAUTHENTICATED_DRAIN = 64 << 10;
  /** What is discarded of a refused chunked body, whose end nothing announces. */
  private static final long CHUNKED_DRAIN = 64L << 20;

  HttpApi(Path home, RuntimeFile runtime, SceneStore store, Limits limits, Workers workers,
      Federation.Factory federate) {
    this.expectedAuthorization = ("Bearer " + runtime.token()).getBytes(StandardCharsets.UTF_8);
    this.limits = limits;
    this.workers = workers;
    // Peers and the page's events know each other: the events read peers through these methods, called later.
    Figures figures = new Figures(home, runtime, store, this::peerCount, System.currentTimeMillis());
    this.events = new HubEvents(store, limits, figures, this::peer, this::peerList);
    this.peers = new Peers(limits, acks::peersChanged, events::peers);
    this.page = new PageRoutes(runtime, new Sessions(), new Assets());
    int p = runtime.port();
    allowedHosts = Set.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "127.0.0.1", "localhost", "[::1]");
    allowedOrigins = Set.of("http://127.0.0.1:" + p, "http://localhost:" + p, "http://[::1]:" + p);
    federation = federate == null ? Federation.NONE : federate.start(new LocalSide(store, peers, acks));
    peers.remote(federation::remotePeers);
    HubRoutes hub = new HubRoutes(runtime, store, peers, federation);
    PeerRoutes peer = new PeerRoutes(runtime, store, peers, acks, federation);
    BlobRoutes blob = new BlobRoutes(store.blobs(), limits, federation);
    SceneRoutes scene = new SceneRoutes(store, peers, acks, limits, events, federation);
    AckRoutes ack = new AckRoutes(store, peers, acks, events, federation);
    SceneActions actions = new SceneActions(store, peers, acks, events);
    Routes.Access session = Routes.Access.SESSION;
    // The endpoint table of docs/protocol.md, in its order, with the largest body each takes and, where the hub's
    // page may call it with its session cookie instead of the token, SESSION.
    routes = new Routes()
        .add(session, "GET", "/v1/hub", hub::status)
        .add(session, "GET", "/v1/hub/figures", events::figures)
        .add(session, "GET", "/v1/hub/events", events::stream)
        .add("POST", "/v1/page/logins", page::newLogin)
        .add("POST", "/v1/peers", limits.maxSmallBody, peer::register)
        .add(session, "GET", "/v1/peers", peer::list)
        .add("DELETE", "/v1/peers/{peer}", peer::remove)
        .add("GET", "/v1/peers/{peer}/events", peer::events)
        .add("POST", "/v1/blobs/missing", limits.maxHashListBody, blob::missing)
        .add("PUT", "/v1/blobs/{hash}", limits.maxBlob, blob::put)
        .add("POST", "/v1/blobs", limits.maxBlob + BlobRoutes.BATCH_FRAMING_ALLOWANCE, blob::upload)
        .add(session, "GET", "/v1/blobs/{hash}", blob::get)
        .add(session, "POST", "/v1/blobs/fetch", limits.maxHashListBody, blob::fetch)
        .add("POST", "/v1/scenes", limits.maxSceneBody, scene::publish)
        .add(session, "GET", "/v1/scenes", scene::list)
        .add("POST", "/v1/scenes/{scene}/versions", limits.maxSceneBody, scene::patch)
        .add(session, "GET", "/v1/scenes/{scene}/delta", scene::delta)
        .add(session, "POST", "/v1/scenes/{scene}/resend", actions::resend)
        .add(session, "GET", "/v1/scenes/{scene}/download", actions::download)
        .add("POST", "/v1/scenes/{scene}/versions/{version}/acks", limits.maxSmallBody, ack::ack)
        .add(session, "GET", "/v1/scenes/{scene}/versions/{version}/acks", ack::await)
        .add(Routes.ANY, "/v1/scenes/{scene}/versions/{version}/acks", ack::notAllowed)
        // The page: its own routes answer a missing session with the login page, never with data.
        .add(Routes.Access.PAGE, "GET", "/", page::index)
        .add(Routes.Access.OPEN, "GET", "/login", page::login)
        .add(Routes.Access.OPEN, "GET", "/static/{file}", page::file)
        .add(Routes.Access.OPEN, "GET", "/static/three/{file}", page::three);
  }

  Peers peers() {
    return peers;
  }

  private Peer peer(String id) {
    return peers.get(id);
  }

  private int peerCount() {
    return peers.ids().size();
  }

  private ArrayNode peerList() {
    return peers.toJson();
  }

  Federation federation() {
    return federation;
  }

  long sends() {
    return sends.get();
  }

  void shutdown() {
    events.close();
    federation.close();
    peers.close();
  }

  /**
   * Waits up to {@code millis} for the requests being answered to be answered (event streams end with shutdown):
   * a stopping hub cut the answer to an ack it had just recorded, and its sender reported the ack as lost.
   */
  void awaitAnswered(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    synchronized (answering) {
      for (long left = millis; answering[0] > 0 && left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
        answering.wait(left);
      }
    }
  }

  private void answering(int delta) {
    synchronized (answering) {
      answering[0] += delta;
      if (answering[0] == 0) {
        answering.notifyAll();
      }
    }
  }

  /**
   * Answers one request. A failure of the connection itself (the client left, or stalled and was cut) is thrown on
   * to the JDK server once the exchange is closed: that is what makes the server close the connection and forget
   * it; swallowed, the server would keep every such dead connection.
   */
  @Override
  public void handle(HttpExchange ex) throws IOException {
    long started = System.nanoTime();
    answering(1);
    try {
      answer(ex, started);
    } finally {
      answering(-1);
    }
  }

  private void answer(HttpExchange ex, long started) throws IOException {
    Watchdog.Guard guard = workers.watchdog.guard();
    guard.disarm(); // the header is in: the JDK server calls the handler once it has read it
    long drain = UNAUTHENTICATED_DRAIN;
    IOException failed = null;
    try {
      try {
        ex.getResponseHeaders().set("Content-Security-Policy", Assets.CONTENT_SECURITY_POLICY);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        checkHostAndOrigin(ex);
        Routes.Match m = find(ex);
        boolean allowed = authenticate(ex, m.access());
        drain = limits.maxDrain;
        String path = ex.getRequestURI().getPath();
        if (!ex.getRequestMethod().equals("GET") && (path.startsWith("/v1/blobs") || path.startsWith("/v1/scenes"))) {
          sends.incrementAndGet();
        }
        checkDeclaredLength(ex, m.maxBody());
        Request r = new Request(ex, started, m.params(), m.maxBody(), guard, workers);
        if (allowed) {
          m.handler().handle(r);
        } else {
          page.toLogin(r);
        }
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

  /** DNS-rebinding and cross-site defence, before anything else. */
  private void checkHostAndOrigin(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase())) {
      throw new HubException(403, "Host \"" + host + "\" is not this hub's loopback address");
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !allowedOrigins.contains(origin.toLowerCase())) {
      throw new HubException(403, "Origin \"" + origin + "\" may not call this hub");
    }
  }

  /** The route; an unknown one is 404 only to a caller with the token (others learn nothing but 401). */
  private Routes.Match find(HttpExchange ex) {
    try {
      return routes.find(ex.getRequestMethod(), ex.getRequestURI().getPath());
    } catch (HubException e) {
      authenticate(ex, Routes.Access.TOKEN);
      throw e;
    }
  }

  /**
   * The token, compared in constant time; or, where the route takes it, the page's session cookie, which is only
   * honoured for requests the page itself makes: the cookie is SameSite=Strict, a browser's Sec-Fetch-Site (when
   * sent) must say same-origin or none, and a request that changes anything must carry the page's header and its own
   * Origin — which a cross-site form cannot send, and a cross-site script cannot without a preflight the hub refuses.
   *
   * @return false when a page route has no session (the caller answers with the login page)
   * @throws HubException 401 without credentials, 403 when a session request breaks the page's rules
   */
  private boolean authenticate(HttpExchange ex, Routes.Access access) {
    if (access == Routes.Access.OPEN) {
      return true;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null || access == Routes.Access.TOKEN) {
      if (auth == null) {
        throw new HubException(401, "missing Authorization: Bearer <token> (the token is in hub.json)");
      }
      if (!MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
        throw new HubException(401, "wrong token in Authorization header");
      }
      return true;
    }
    if (!page.hasSession(ex.getRequestHeaders().getFirst("Cookie"))) {
      if (access == Routes.Access.PAGE) {
        return false;
      }
      throw new HubException(401, "missing Authorization: Bearer <token> (the token is in hub.json), or the "
          + "page's session (open the page with: livelink open)");
    }
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new HubException(403, "a " + site + " request may not use the page's session");
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      if (ex.getRequestHeaders().getFirst(PageRoutes.PAGE_HEADER) == null) {
        throw new HubException(403, method + " with the page's session must carry the " + PageRoutes.PAGE_HEADER
            + " header");
      }
      if (ex.getRequestHeaders().getFirst("Origin") == null) {
        throw new HubException(403, method + " with the page's session must carry the page's Origin");
      }
    }
    return true;
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
