package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.livelink.wire.Json;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One matched request as a handler sees it: path parameters, query, body, and the ways to answer. Every read of
 * the body and every write of the answer is guarded by the {@link Watchdog}, and the body is cut at the route's
 * limit (413) however it is framed: a declared Content-Length over it is refused before anything is read (see
 * {@link HttpApi}), a chunked body when it passes the limit.
 */
final class Request {
  private final HttpExchange ex;
  private final long startedNanos;
  private final Map<String, String> params;
  private final long maxBody;
  private final Workers workers;
  private final Watchdog.Guard guard;
  private Query query;
  private InputStream body;
  /** Parts of the hub's time a handler names, appended to Server-Timing after {@code hub}. */
  private String timings = "";

  Request(HttpExchange ex, long startedNanos, Map<String, String> params, long maxBody, Watchdog.Guard guard,
      Workers workers) {
    this.ex = ex;
    this.startedNanos = startedNanos;
    this.params = params;
    this.maxBody = maxBody;
    this.guard = guard;
    this.workers = workers;
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

  /** The whole body, at most the route's limit (413 past it). */
  byte[] body() throws IOException {
    return bodyStream().readAllBytes();
  }

  /** The body's declared Content-Length, or -1 when it has none (chunked, or no body). */
  long declaredLength() {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    return len == null ? -1 : Long.parseLong(len.trim()); // HttpApi refused one that is not a number
  }

  /** The largest body the route takes. */
  long maxBody() {
    return maxBody;
  }

  /** The body as a JSON object. */
  ObjectNode jsonBody() throws IOException {
    return Json.parseObject(body());
  }

  /** The body as a stream, for bodies read as they arrive; 413 when it runs past the route's limit. */
  InputStream bodyStream() {
    if (body == null) {
      body = new Body(ex.getRequestBody(), maxBody, guard);
    }
    return body;
  }

  void json(int status, JsonNode o) throws IOException {
    sendJson(ex, guard, startedNanos, status, Json.bytes(o), 0, timings);
  }

  /** Answers with JSON already encoded. */
  void json(int status, byte[] json) throws IOException {
    sendJson(ex, guard, startedNanos, status, json, 0, timings);
  }

  /**
   * Names a part of this request's time in the answer's Server-Timing, after the hub's whole time: what a benchmark
   * needs to tell waiting for the sender from the hub's own work.
   */
  void timing(String name, long nanos) {
    timings += ", " + name + ";dur=" + millis(nanos);
  }

  /**
   * {@code nanos} as milliseconds with three decimals, as {@code %.3f} writes them: a {@link java.util.Formatter} per
   * header took 8% of a publish's handler in a profile (FederationBench, session 11).
   */
  static String millis(long nanos) {
    long micros = Math.round(nanos / 1e3);
    StringBuilder s = new StringBuilder(12);
    if (micros < 0) {
      s.append('-');
      micros = -micros;
    }
    long frac = micros % 1000;
    s.append(micros / 1000).append('.').append(frac < 100 ? (frac < 10 ? "00" : "0") : "").append(frac);
    return s.toString();
  }

  /** When the handler was called, in {@link System#nanoTime()} terms. */
  long startedNanos() {
    return startedNanos;
  }

  void noContent() throws IOException {
    guard.arm(Watchdog.Phase.WRITE);
    try {
      ex.sendResponseHeaders(204, -1);
    } finally {
      guard.disarm();
    }
  }

  /** A header of the request, or null. */
  String requestHeader(String name) {
    return ex.getRequestHeaders().getFirst(name);
  }

  /** Answers {@code status} with a whole body of {@code contentType} (the page's files and downloads). */
  void send(int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    guard.arm(Watchdog.Phase.WRITE);
    try {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    } finally {
      guard.disarm();
    }
    try (OutputStream out = new GuardedOutput(ex.getResponseBody(), guard)) {
      out.write(body);
    }
  }

  /** 303 See Other to {@code location}, no body. */
  void redirect(String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    guard.arm(Watchdog.Phase.WRITE);
    try {
      ex.sendResponseHeaders(303, -1);
    } finally {
      guard.disarm();
    }
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
    guard.arm(Watchdog.Phase.WRITE);
    try {
      ex.sendResponseHeaders(200, length);
    } finally {
      guard.disarm();
    }
    return new GuardedOutput(ex.getResponseBody(), guard);
  }

  /** This thread's guard, for handlers that write a stream of their own. */
  Watchdog.Guard guard() {
    return guard;
  }

  /**
   * This request now lasts long while doing little (an event stream, a wait for acks): it stops counting against
   * the request threads (see {@link Workers#becomeLongLived()}); call {@link #longLivedEnded()} when it ends.
   *
   * @throws HubException 503 when the hub has as many open as it takes
   */
  void becomeLongLived() {
    workers.becomeLongLived();
  }

  void longLivedEnded() {
    workers.longLivedEnded();
  }

  /**
   * Sends a JSON answer. With {@code drain} > 0 the answer goes out first and up to {@code drain} bytes of an unread
   * body are then read and discarded, so a client that writes its whole body before reading still gets the answer.
   * 401 answers carry no Server-Timing: how long a refusal took must not tell anything about the token.
   */
  static void sendJson(HttpExchange ex, Watchdog.Guard guard, long startedNanos, int status, JsonNode o, long drain)
      throws IOException {
    sendJson(ex, guard, startedNanos, status, Json.bytes(o), drain, "");
  }

  private static void sendJson(HttpExchange ex, Watchdog.Guard guard, long startedNanos, int status, byte[] b,
      long drain, String timings) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (status != 401) {
      // The hub's own time for this request, so clients and benchmarks can tell it from network and client time.
      ex.getResponseHeaders().set("Server-Timing",
          "hub;dur=" + millis(System.nanoTime() - startedNanos) + timings);
    }
    OutputStream out = new GuardedOutput(ex.getResponseBody(), guard);
    guard.arm(Watchdog.Phase.WRITE);
    try {
      ex.sendResponseHeaders(status, b.length);
    } finally {
      guard.disarm();
    }
    out.write(b);
    if (drain > 0) {
      out.flush();
      discard(ex.getRequestBody(), drain, guard);
    }
    out.close();
  }

  private static void discard(InputStream in, long max, Watchdog.Guard guard) throws IOException {
    byte[] buf = new byte[64 << 10];
    for (long left = max; left > 0; ) {
      guard.arm(Watchdog.Phase.DRAIN);
      int n;
      try {
        n = in.read(buf, 0, (int) Math.min(buf.length, left));
      } finally {
        guard.disarm();
      }
      if (n < 0) {
        return;
      }
      left -= n;
    }
  }

  /** The request body, each read guarded, cut at the route's limit. */
  private static final class Body extends InputStream {
    private final InputStream in;
    private final long max;
    private final Watchdog.Guard guard;
    private long count;

    Body(InputStream in, long max, Watchdog.Guard guard) {
      this.in = in;
      this.max = max;
      this.guard = guard;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      guard.arm(Watchdog.Phase.READ);
      int n;
      try {
        n = in.read(b, off, len);
      } finally {
        guard.disarm();
      }
      if (n > 0) {
        count += n;
        if (count > max) {
          throw new HubException(413, "body is over the limit of " + max + " bytes");
        }
      }
      return n;
    }
  }

  /** A response body whose writes are guarded; its close reads what is left of the request (the JDK drains). */
  private static final class GuardedOutput extends FilterOutputStream {
    private final Watchdog.Guard guard;

    GuardedOutput(OutputStream out, Watchdog.Guard guard) {
      super(out);
      this.guard = guard;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      guard.arm(Watchdog.Phase.WRITE);
      try {
        out.write(b, off, len);
      } finally {
        guard.disarm();
      }
    }

    @Override
    public void flush() throws IOException {
      guard.arm(Watchdog.Phase.WRITE);
      try {
        out.flush();
      } finally {
        guard.disarm();
      }
    }

    @Override
    public void close() throws IOException {
      guard.arm(Watchdog.Phase.DRAIN);
      try {
        out.close();
      } finally {
        guard.disarm();
      }
    }
  }
}
