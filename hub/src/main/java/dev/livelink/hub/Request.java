package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;

/** One matched request as a handler sees it: path parameters, query, body, and the ways to answer. */
final class Request {
  private static final long MAX_JSON = 64L << 20;

  private final HttpExchange ex;
  private final long startedNanos;
  private final Map<String, String> params;
  private Query query;

  Request(HttpExchange ex, long startedNanos, Map<String, String> params) {
    this.ex = ex;
    this.startedNanos = startedNanos;
    this.params = params;
  }

  String method() {
    return ex.getRequestMethod();
  }

  /** The path segment the route pattern named {@code {name}}. */
  String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalStateException("the route has no parameter {" + name + "}");
    }
    return v;
  }

  /** A path parameter that must be a whole number ≥ 0. */
  int wholeNumberParam(String name) {
    return Query.wholeNumber(name, param(name));
  }

  Query query() {
    if (query == null) {
      query = Query.parse(ex.getRequestURI().getRawQuery());
    }
    return query;
  }

  /** The body, refused with 413 when it is over {@code max} bytes. */
  byte[] body(long max) throws IOException {
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

  /** The body as a JSON object. */
  ObjectNode jsonBody() throws IOException {
    return Json.parseObject(body(MAX_JSON));
  }

  /** The body as a stream, for bodies read as they arrive. */
  InputStream bodyStream() {
    return ex.getRequestBody();
  }

  void json(int status, JsonNode o) throws IOException {
    sendJson(ex, startedNanos, status, o);
  }

  void noContent() throws IOException {
    ex.sendResponseHeaders(204, -1);
  }

  Request header(String name, String value) {
    ex.getResponseHeaders().set(name, value);
    return this;
  }

  /**
   * Sends 200 with {@code contentType} and returns the body to write; {@code length} 0 streams it chunked, -1 means
   * no body. The exchange closes the stream when the handler returns.
   */
  OutputStream stream(String contentType, long length) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(200, length);
    return ex.getResponseBody();
  }

  static void sendJson(HttpExchange ex, long startedNanos, int status, JsonNode o) throws IOException {
    byte[] b = Json.bytes(o);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    // The hub's own time for this request, so clients and benchmarks can tell it from network and client time.
    ex.getResponseHeaders().set("Server-Timing",
        String.format(Locale.ROOT, "hub;dur=%.3f", (System.nanoTime() - startedNanos) / 1e6));
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
