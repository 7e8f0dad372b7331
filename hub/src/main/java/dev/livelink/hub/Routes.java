package dev.livelink.hub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The route table: method and path pattern to handler, and the largest body the row takes. A pattern segment
 * {@code {name}} matches any one segment and is handed to the handler as a path parameter; trailing slashes are
 * ignored. The first matching row wins.
 */
final class Routes {
  /** Any method; for a row that answers every method the rows above it did not take. */
  static final String ANY = "*";

  /** Who may call a row (see HttpApi#authenticate and docs/protocol.md, "The hub's page"). */
  enum Access {
    /** The bearer token only: connectors and the CLI. */
    TOKEN,
    /** The token, or the page's session cookie under the page's same-origin rules. */
    SESSION,
    /** The page's own routes: without a session, a redirect to the login page instead of a 401. */
    PAGE,
    /** Anyone who passes the Host and Origin checks: the login page and the page's static files, which hold no data. */
    OPEN
  }

  /** Handles one request that matched a row. */
  @FunctionalInterface
  interface Handler {
    void handle(Request r) throws IOException, InterruptedException;
  }

  /** Bodies of rows added without a limit: requests that carry none, or a small one. */
  static final long SMALL_BODY = 64L << 10;

  /** A matched row: its handler, the path parameters it captured, the largest body it takes, who may call it. */
  record Match(Handler handler, Map<String, String> params, long maxBody, Access access) {}

  private record Route(String method, String[] segments, Handler handler, long maxBody, Access access) {}

  private final List<Route> routes = new ArrayList<>();

  Routes add(String method, String pattern, Handler handler) {
    return add(method, pattern, SMALL_BODY, handler);
  }

  /** A row whose requests may carry bodies of up to {@code maxBody} bytes. */
  Routes add(String method, String pattern, long maxBody, Handler handler) {
    return add(Access.TOKEN, method, pattern, maxBody, handler);
  }

  /** A row that {@code access} says who may call; bodies up to {@link #SMALL_BODY}. */
  Routes add(Access access, String method, String pattern, Handler handler) {
    return add(access, method, pattern, SMALL_BODY, handler);
  }

  Routes add(Access access, String method, String pattern, long maxBody, Handler handler) {
    routes.add(new Route(method, segments(pattern), handler, maxBody, access));
    return this;
  }

  /** @throws HubException 404 naming the request when no row matches */
  Match find(String method, String path) {
    String[] segments = segments(path);
    for (Route r : routes) {
      if (r.method().equals(method) || r.method().equals(ANY)) {
        Map<String, String> params = match(r.segments(), segments);
        if (params != null) {
          return new Match(r.handler(), params, r.maxBody(), r.access());
        }
      }
    }
    throw new HubException(404, "no route " + method + " " + path);
  }

  private static Map<String, String> match(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), path[i]);
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  private static String[] segments(String path) {
    return path.replaceAll("/+$", "").split("/", -1);
  }
}
