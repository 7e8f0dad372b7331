package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A hub on port 0 in a temp home, and raw HTTP helpers that show status codes and bodies as they are. */
final class TestHub implements AutoCloseable {
  final Hub hub;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Response(int status, JsonNode json, byte[] body) {}

  TestHub(Path home) throws IOException {
    this(home, Limits.DEFAULTS);
  }

  TestHub(Path home, Limits limits) throws IOException {
    this(home, limits, SceneStore.Options.DEFAULTS);
  }

  TestHub(Path home, Limits limits, SceneStore.Options store) throws IOException {
    hub = Hub.create(home, 0, limits, store).start();
  }

  Response call(String method, String path, byte[] body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = r.body().length > 0 && r.body()[0] == '{' ? Json.parseObject(r.body()) : null;
    return new Response(r.statusCode(), json, r.body());
  }

  Response call(String method, String path, JsonNode body) throws Exception {
    return call(method, path, body == null ? null : Json.bytes(body), hub.token());
  }

  Response get(String path) throws Exception {
    return call("GET", path, (JsonNode) null);
  }

  /** Sends raw request headers over a socket, for headers java.net.http will not let a caller set (Host). */
  String raw(String requestHead) throws IOException {
    try (Socket s = new Socket("127.0.0.1", hub.port())) {
      OutputStream out = s.getOutputStream();
      out.write((requestHead + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static MeshData quad(float size) {
    return new MeshData(new float[] {0, 0, 0, size, 0, 0, size, size, 0, 0, size, 0},
        new int[] {0, 1, 2, 0, 2, 3}, null, null);
  }

  /** Uploads a blob and returns its hash. */
  String putBlob(MeshData m) throws Exception {
    byte[] b = MeshBlob.encode(m);
    String h = Sha256.hex(b);
    Response r = call("PUT", "/v1/blobs/" + h, b, hub.token());
    if (r.status() >= 300) {
      throw new AssertionError("upload failed: " + new String(r.body()));
    }
    return h;
  }

  String register(String app, String document, String role) throws Exception {
    ObjectNode o = Json.object().put("app", app).put("appVersion", "1.0").put("pid", 42).put("document", document)
        .put("role", role);
    Response r = call("POST", "/v1/peers", o);
    return r.json().get("id").asText();
  }

  /** An open event stream: events arrive on a queue as "name data". */
  final class Events implements AutoCloseable {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    final Socket socket;

    Events(String peer) throws IOException {
      socket = new Socket("127.0.0.1", hub.port());
      socket.getOutputStream().write(("GET /v1/peers/" + peer + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + hub.port()
          + "\r\nAuthorization: Bearer " + hub.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(dechunked(in), StandardCharsets.UTF_8))) {
          String event = null;
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("data: ") && event != null) {
              queue.add(event + " " + line.substring(6));
              event = null;
            }
          }
        } catch (IOException e) {
          // Closed by the test.
        }
      });
      t.setDaemon(true);
      t.start();
    }

    /** The next event with this name within 5 s, or null. */
    JsonNode next(String name) throws InterruptedException {
      return next(name, data -> true, Duration.ofSeconds(5));
    }

    /**
     * The next event with this name whose data passes {@code test}, or null when none came before the watchdog
     * ran out. Other events are skipped.
     */
    JsonNode next(String name, Predicate<JsonNode> test, Duration watchdog) throws InterruptedException {
      long deadline = System.nanoTime() + watchdog.toNanos();
      while (true) {
        String e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          return null;
        }
        if (e.startsWith(name + " ")) {
          JsonNode data = Json.parseObject(e.substring(name.length() + 1).getBytes(StandardCharsets.UTF_8));
          if (test.test(data)) {
            return data;
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * The body of a chunked HTTP response read from {@code in}, after its status line and headers (an error answer,
   * which has a Content-Length, reads as its body too).
   */
  static InputStream dechunked(InputStream raw) {
    InputStream in = new java.io.BufferedInputStream(raw);
    return new InputStream() {
      long left = -1; // bytes left in this chunk; -1 before the headers
      boolean chunked = true;
      boolean done;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
          return -1;
        }
        if (left == -1) {
          for (String line; !(line = line()).isEmpty(); ) {
            if (line.toLowerCase().startsWith("content-length:")) {
              chunked = false;
              left = Long.parseLong(line.substring(15).trim());
            }
          }
          if (chunked) {
            left = 0;
          }
        }
        if (left == 0) {
          if (!chunked) {
            done = true;
            return -1;
          }
          String size = line();
          if (size.isEmpty()) {
            size = line(); // the CRLF that ends the previous chunk
          }
          left = Long.parseLong(size.trim(), 16);
          if (left == 0) {
            done = true;
            return -1;
          }
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
          done = true;
          return -1;
        }
        left -= n;
        return n;
      }

      private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
          if (c != '\r') {
            sb.append((char) c);
          }
        }
        return sb.toString();
      }
    };
  }

  Events events(String peer) throws IOException {
    return new Events(peer);
  }

  @Override
  public void close() {
    hub.stop();
  }
}
