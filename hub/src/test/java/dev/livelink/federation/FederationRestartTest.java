package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.hub.Hub;
import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts: what a hub keeps across its own, what its peers are told across NATS's, what it leaves when it stops. */
class FederationRestartTest {
  @TempDir Path tmp;

  @Test
  void anAckForAVersionReceivedBeforeARestartStillGoesBack() throws Exception {
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"));
        FedHub a = new FedHub(tmp.resolve("a"), FedHub.config(nats.url(), "machine-a"));
        FedHub b = new FedHub(tmp.resolve("b"), FedHub.config(nats.url(), "machine-b"))) {
      a.awaitFederation(f -> f.path("ready").asBoolean());
      b.awaitFederation(f -> f.path("ready").asBoolean());
      String blender = b.register("Blender", "file.blend", "receiver");
      FedHub.Events blenderEvents = b.events(blender);
      String freecad = a.register("FreeCAD", "Doc", "sender");
      FedHub.Events freecadEvents = a.events(freecad);
      FederationTest.awaitRemotePeer(a, blender);
      a.publish(FederationTest.scene("Doc", Map.of("Box", a.putBlob(FederationTest.box(1)))), freecad, null);
      JsonNode v = blenderEvents.next("version", d -> d.path("scene").asText().endsWith(":Doc"));

      b.stop();
      b.start();
      b.awaitFederation(f -> f.path("ready").asBoolean());
      String again = b.register("Blender", "file.blend", "receiver"); // Blender, back with its hub
      b.ack(v.path("scene").asText(), v.path("version").asInt(), again, "ok");
      JsonNode ack = freecadEvents.next("ack", d -> d.path("peer").asText().equals(again));
      assertThat(ack.path("scene").asText()).isEqualTo("Doc");
      assertThat(ack.path("version").asInt()).isEqualTo(1);
      assertThat(ack.path("host").asText()).isEqualTo("machine-b");
    }
  }

  @Test
  void peersAreToldWhenNatsGoesAwayAndComesBack() throws Exception {
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"));
        FedHub a = new FedHub(tmp.resolve("a"), FedHub.config(nats.url(), "machine-a"))) {
      a.awaitFederation(f -> f.path("ready").asBoolean());
      String blender = a.register("Blender", "file.blend", "receiver");
      FedHub.Events events = a.events(blender);
      JsonNode hello = events.next("hello", d -> true);
      assertThat(hello.path("space").path("space").asText()).isEqualTo("test");
      assertThat(hello.path("space").path("nats").asText()).isEqualTo(nats.url());
      assertThat(hello.path("space").path("host").asText()).isEqualTo("machine-a");
      assertThat(hello.path("space").path("ready").asBoolean()).isTrue();

      nats.stop();
      JsonNode away = events.next("space", d -> !d.path("ready").asBoolean());
      assertThat(away.path("state").asText()).isEqualTo("disconnected");
      nats.start();
      JsonNode back = events.next("space", d -> d.path("ready").asBoolean());
      assertThat(back.path("state").asText()).isEqualTo("connected");
      assertThat(back.path("space").asText()).isEqualTo("test");
    }
  }

  @Test
  void aHubWithoutASpaceSaysNothingOfOne() throws Exception {
    try (Hub hub = Hub.create(tmp.resolve("alone"), 0).start()) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      String peer = c.register("Blender", "4.3", "file.blend", "receiver", List.of());
      BlockingQueue<JsonNode> hello = new LinkedBlockingQueue<>();
      Thread t = new Thread(() -> {
        try {
          c.events(peer, (name, data) -> {
            if (name.equals("hello")) hello.add(data);
          });
        } catch (RuntimeException e) {
          // The stream ended with the hub.
        }
      });
      t.setDaemon(true);
      t.start();
      JsonNode h = hello.poll(FedHub.WATCHDOG.toSeconds(), TimeUnit.SECONDS);
      assertThat(h).isNotNull();
      assertThat(h.has("space")).isFalse();
    }
  }

  @Test
  void aHubWhoseNatsIsNeverReachableLeavesNoThreadTryingWhenItStops() throws Exception {
    int nobody = NatsServer.freePort();
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    FedHub a = new FedHub(tmp.resolve("a"), FedHub.config("nats://127.0.0.1:" + nobody, "machine-a"));
    JsonNode f = a.awaitFederation(s -> s.path("lastError").asText().contains("unreachable"));
    assertThat(f.path("ready").asBoolean()).isFalse();
    assertThat(f.path("lastError").asText()).contains("nats://127.0.0.1:" + nobody);
    a.close();
    long deadline = System.nanoTime() + FedHub.WATCHDOG.toNanos();
    while (true) {
      Set<String> left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive()
              && t.getName().toLowerCase(Locale.ROOT).contains("nats")) // ours, and jnats's "NATS - async …"
          .map(Thread::getName).collect(Collectors.toSet());
      if (left.isEmpty()) {
        break;
      }
      assertThat(System.nanoTime()).as("threads still running: " + left).isLessThan(deadline);
      Thread.sleep(20); // threads end on their own once interrupted; polled with a watchdog
    }
  }
}
