package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow and dead peers: a stream nobody reads, a peer that never opens one, many peers leaving together. */
class EventStreamLimitsTest {
  @TempDir Path home;

  /** Opens a peer's event stream on a socket that is never read, with a small receive buffer. */
  static Socket unreadStream(TestHub t, String peer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", t.hub.port()));
    s.getOutputStream().write(("GET /v1/peers/" + peer + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + t.hub.port()
        + "\r\nAuthorization: Bearer " + t.hub.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  static boolean listed(TestHub t, String peer) throws Exception {
    return HubHttpTest.ids(t.get("/v1/peers").json()).contains(peer);
  }

  @Test
  void aStreamThatIsNeverReadIsDroppedOnceItsQueueIsFullAndListedGone() throws Exception {
    Limits limits = Limits.DEFAULTS.toBuilder().peerQueueBytes(64 << 10).drainTimeout(Duration.ofMillis(500)).build();
    try (TestHub t = new TestHub(home, limits)) {
      String lazy = t.register("Blender", "lazy.blend", "receiver");
      String watcher = t.register("Watcher", "w", "sender");
      String m = t.putBlob(TestHub.quad(1));
      try (TestHub.Events w = t.events(watcher); Socket unread = unreadStream(t, lazy)) {
        assertThat(w.next("hello")).isNotNull();
        awaitConnected(t, 2);
        // Each version event names the scene: 10 KB apiece, so the socket's buffers and the queue fill in hundreds.
        String name = "n".repeat(10_000);
        int published = 0;
        while (listed(t, lazy) && published < 20_000) {
          ObjectNode scene = HubHttpTest.scene("doc", "Box", m).put("name", name);
          assertThat(t.call("POST", "/v1/scenes", HubHttpTest.publish(scene)).status()).isEqualTo(201);
          published++;
        }
        assertThat(listed(t, lazy)).as("still listed after %d versions", published).isFalse();
        JsonNode gone = w.next("peers", p -> !HubHttpTest.ids(p).contains(lazy), Duration.ofSeconds(30));
        assertThat(HubHttpTest.ids(gone)).containsExactly(watcher);
      }
    }
  }

  @Test
  void aReplacedStreamIsToldWhyWithAByeEvent() throws Exception {
    try (TestHub t = new TestHub(home)) {
      String a = t.register("Blender", "a.blend", "receiver");
      try (TestHub.Events first = t.events(a)) {
        assertThat(first.next("hello")).isNotNull();
        try (TestHub.Events second = t.events(a)) {
          assertThat(second.next("hello")).isNotNull();
          JsonNode bye = first.next("bye");
          assertThat(bye.get("reason").asText()).isEqualTo("replaced by a newer event stream of this peer");
          assertThat(listed(t, a)).isTrue();
        }
      }
    }
  }

  @Test
  void aPeerThatNeverOpensItsStreamIsRemovedSoSendersDoNotWaitForIt() throws Exception {
    Limits limits = Limits.DEFAULTS.toBuilder().peerStreamGrace(Duration.ofSeconds(1)).build();
    try (TestHub t = new TestHub(home, limits)) {
      String ghost = t.register("Blender", "ghost.blend", "receiver");
      String real = t.register("Blender", "real.blend", "receiver");
      try (TestHub.Events e = t.events(real)) {
        assertThat(e.next("hello")).isNotNull();
        String m = t.putBlob(TestHub.quad(1));
        TestHub.Response r = t.call("POST", "/v1/scenes", HubHttpTest.publish(HubHttpTest.scene("doc", "Box", m)));
        assertThat(r.json().get("targets")).hasSize(2);
        assertThat(e.next("version")).isNotNull();
        assertThat(t.call("POST", "/v1/scenes/doc/versions/1/acks",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("peer", real)
                .put("status", "ok")).status()).isEqualTo(204);
        // As `livelink send --wait`: answered once the ghost is removed, long before the wait (a watchdog) ends.
        JsonNode waited = t.get("/v1/scenes/doc/versions/1/acks?wait=60000").json();
        assertThat(waited.get("complete").asBoolean()).isTrue();
        assertThat(waited.get("pending")).isEmpty();
        assertThat(listed(t, ghost)).isFalse();
        assertThat(listed(t, real)).isTrue();
      }
    }
  }

  @Test
  void peersLeavingTogetherAreAnnouncedInAFewPeersEvents() throws Exception {
    Limits limits = Limits.DEFAULTS.toBuilder().peersBroadcastInterval(Duration.ofSeconds(1)).build();
    try (TestHub t = new TestHub(home, limits)) {
      String watcher = t.register("Watcher", "w", "sender");
      try (TestHub.Events w = t.events(watcher)) {
        assertThat(w.next("hello")).isNotNull();
        List<Socket> streams = new ArrayList<>();
        Set<String> leaving = new HashSet<>();
        for (int i = 0; i < 300; i++) {
          String id = t.register("Blender", "b" + i + ".blend", "receiver");
          leaving.add(id);
          streams.add(unreadStream(t, id));
        }
        awaitConnected(t, 301);
        // What was announced so far is of no interest: from here on, count.
        w.queue.clear();
        for (Socket s : streams) {
          s.close();
        }
        int announcements = 0;
        JsonNode p;
        do {
          p = w.next("peers", x -> true, Duration.ofSeconds(60));
          assertThat(p).as("a peers event within the watchdog").isNotNull();
          announcements++;
        } while (HubHttpTest.ids(p).stream().anyMatch(leaving::contains));
        assertThat(HubHttpTest.ids(p)).containsExactly(watcher);
        // One event per departure would be 300; the hub notices closed sockets within a couple of heartbeats.
        assertThat(announcements).isLessThanOrEqualTo(10);
      }
    }
  }

  /** Polls the peer list (each request waits on the hub's answer) until {@code n} peers have open streams. */
  static void awaitConnected(TestHub t, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      int connected = 0;
      for (JsonNode p : t.get("/v1/peers").json().get("peers")) {
        connected += p.path("connected").asBoolean() ? 1 : 0;
      }
      if (connected == n) {
        return;
      }
      assertThat(System.nanoTime()).as("%d of %d peers connected within the watchdog", connected, n)
          .isLessThan(deadline);
    }
  }
}
