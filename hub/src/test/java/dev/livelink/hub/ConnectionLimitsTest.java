package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No client holds the hub: threads are bounded, a request that stalls is cut, and a body over its route's limit is
 * answered 413 with a message, before it is read. Limits here are tight so the cuts come quickly; the assertions
 * are on what the hub did (closed, answered, how many threads), with generous watchdogs on the socket reads.
 */
class ConnectionLimitsTest {
  static final int WATCHDOG_MS = 60_000;
  static final Limits TIGHT = Limits.DEFAULTS.toBuilder()
      .requestThreads(32)
      .headerTimeout(Duration.ofSeconds(1))
      .headerTimeoutBusy(Duration.ofMillis(100))
      .readIdleTimeout(Duration.ofSeconds(1))
      .writeStallTimeout(Duration.ofSeconds(1))
      .drainTimeout(Duration.ofMillis(500))
      .build();

  @TempDir Path home;

  /** Sends {@code head} (and {@code body}) on a new socket whose reads time out after the watchdog. */
  static Socket send(TestHub t, String head, byte[] body) throws IOException {
    Socket s = new Socket("127.0.0.1", t.hub.port());
    s.setSoTimeout(WATCHDOG_MS);
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return s;
  }

  static String headers(TestHub t, String requestLine, String... more) {
    StringBuilder b = new StringBuilder(requestLine + "\r\nHost: 127.0.0.1:" + t.hub.port()
        + "\r\nAuthorization: Bearer " + t.hub.token() + "\r\n");
    for (String h : more) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  /** Everything the hub sends until it closes the connection; fails when the watchdog runs out first. */
  static String readUntilClosed(Socket s) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the hub did not close the connection within the watchdog; got: " + got, e);
    } catch (SocketException e) {
      // Reset by the hub: closed as well.
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  @Test
  void halfSentRequestsHoldNoMoreThanTheRequestThreadsAndAreCut() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (TestHub t = new TestHub(home, TIGHT)) {
      assertThat(t.get("/v1/hub").status()).isEqualTo(200);
      int before = threads.getThreadCount();
      List<Socket> flood = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        flood.add(send(t, "GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz", null));
      }
      int peak = threads.getThreadCount();
      // A well-behaved request gets through while the flood is being cut.
      CompletableFuture<TestHub.Response> meanwhile = CompletableFuture.supplyAsync(() -> {
        try {
          return t.get("/v1/hub");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      for (Socket s : flood) {
        assertThat(readUntilClosed(s)).isEmpty();
        peak = Math.max(peak, threads.getThreadCount());
        s.close();
      }
      assertThat(meanwhile.get(WATCHDOG_MS, TimeUnit.MILLISECONDS).status()).isEqualTo(200);
      // The request threads, plus a few the JDK's own HTTP client starts for the request above.
      assertThat(peak - before).isLessThanOrEqualTo(TIGHT.requestThreads + 8);
      assertThat(t.hub.connectionThreads()).isLessThanOrEqualTo(TIGHT.requestThreads);
      assertThat(t.hub.stallsCut()).isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void aDeclaredBodyOverTheLimitIsAnswered413BeforeItIsRead() throws Exception {
    try (TestHub t = new TestHub(home, TIGHT)) {
      // 2 GB declared, a few bytes sent, then the client waits for the answer.
      Socket s = send(t, headers(t, "PUT /v1/blobs/" + "a".repeat(64) + " HTTP/1.1", "Content-Length: 2147483648"),
          new byte[100]);
      String answer = readUntilClosed(s);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("Connection: close")
          .endsWith("{\"error\":\"body of 2147483648 bytes is over the limit of 1073741824 bytes\"}");
      assertThat(t.get("/v1/hub").status()).isEqualTo(200);
    }
  }

  @Test
  void aBodyThatStallsIsCut() throws Exception {
    try (TestHub t = new TestHub(home, TIGHT)) {
      Socket s = send(t, headers(t, "POST /v1/peers HTTP/1.1", "Content-Length: 500"), "{\"app\":".getBytes());
      assertThat(readUntilClosed(s)).isEmpty();
      assertThat(t.hub.stallsCut()).isEqualTo(1);
      assertThat(t.get("/v1/peers").json().get("peers")).isEmpty();
    }
  }

  @Test
  void aChunkedBodyThatNeverEndsIsCutAndOneThatGoesOnPastTheLimitIs413() throws Exception {
    try (TestHub t = new TestHub(home, TIGHT)) {
      Socket stalled = send(t, headers(t, "POST /v1/peers HTTP/1.1", "Transfer-Encoding: chunked"),
          "7\r\n{\"app\":\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntilClosed(stalled)).isEmpty();

      Socket endless = send(t, headers(t, "POST /v1/peers HTTP/1.1", "Transfer-Encoding: chunked"), null);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        byte[] chunk = ("400\r\n" + " ".repeat(0x400) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
          for (int i = 0; i < 1_000_000; i++) { // 1 GB if it were never stopped; it is, at 64 KB
            endless.getOutputStream().write(chunk);
          }
        } catch (IOException e) {
          // Closed by the hub after its answer.
        }
      });
      assertThat(readUntilClosed(endless)).startsWith("HTTP/1.1 413")
          .endsWith("{\"error\":\"body is over the limit of 65536 bytes\"}");
      writer.get(WATCHDOG_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** As Python's http.client does: the whole body first, then the answer. */
  @Test
  void aBodyOverTheLimitSentWholeBeforeReadingGetsThe413AndItsMessageNotAReset() throws Exception {
    try (TestHub t = new TestHub(home)) {
      byte[] body = new byte[70 << 20]; // over 64 MB, the largest body any route took before limits per route
      Socket s = send(t, headers(t, "POST /v1/scenes/doc/versions/1/acks HTTP/1.1",
          "Content-Length: " + body.length, "Content-Type: application/json"), body);
      String answer = readUntilClosed(s);
      assertThat(answer).startsWith("HTTP/1.1 413")
          .endsWith("{\"error\":\"body of 73400320 bytes is over the limit of 65536 bytes\"}");
      assertThat(t.get("/v1/hub").status()).isEqualTo(200);
    }
  }

  @Test
  void sendersWaitingForAcksTakeNoRequestThread() throws Exception {
    try (TestHub t = new TestHub(home, TIGHT.toBuilder().requestThreads(2).build())) {
      String slow = t.register("Blender", "slow.blend", "receiver");
      String m = t.putBlob(TestHub.quad(1));
      assertThat(t.call("POST", "/v1/scenes", HubHttpTest.publish(HubHttpTest.scene("doc", "Box", m), slow))
          .status()).isEqualTo(201);
      List<CompletableFuture<TestHub.Response>> waits = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        waits.add(CompletableFuture.supplyAsync(() -> {
          try {
            return t.get("/v1/scenes/doc/versions/1/acks?wait=15000");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      // Four waits parked, each on a thread of its own, none holding one of the two request threads.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCHDOG_MS);
      while (t.hub.connectionThreads() < 4) {
        assertThat(System.nanoTime()).as("the waits reached the hub").isLessThan(deadline);
      }
      assertThat(t.get("/v1/hub").status()).isEqualTo(200);
      assertThat(waits).noneMatch(CompletableFuture::isDone);
      assertThat(t.call("POST", "/v1/scenes/doc/versions/1/acks", com.fasterxml.jackson.databind.node.JsonNodeFactory
          .instance.objectNode().put("peer", slow).put("status", "ok")).status()).isEqualTo(204);
      for (CompletableFuture<TestHub.Response> w : waits) {
        assertThat(w.get(WATCHDOG_MS, TimeUnit.MILLISECONDS).json().get("complete").asBoolean()).isTrue();
      }
    }
  }
}
