package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.MeshBlob;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub B tells its receivers of a version from A before its own fsyncs, and acks it to its stream only after them
 * (see Settler): B dying in between loses nothing, since the stream delivers the version again.
 */
class FederationDurabilityTest {
  @TempDir Path tmp;
  private Duration ackWait;

  @BeforeEach
  void shortAckWait() {
    ackWait = Space.ackWait;
    Space.ackWait = Duration.ofSeconds(2); // the stream delivers an unacked version again after this
  }

  @AfterEach
  void restoreAckWait() {
    Space.ackWait = ackWait;
  }

  @Test
  void aVersionToldBeforeItsFsyncIsAckedOnlyAfterItAndAPowerCutBetweenLosesNothing() throws Exception {
    CountDownLatch hold = new CountDownLatch(1); // never opened: B dies between telling and its fsync
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"));
        FedHub a = new FedHub(tmp.resolve("a"), FedHub.config(nats.url(), "machine-a"));
        FedHub b = new FedHub(tmp.resolve("b"), FedHub.config(nats.url(), "machine-b"), hold);
        Connection admin = Nats.connect(nats.url())) {
      a.awaitFederation(f -> f.path("ready").asBoolean());
      b.awaitFederation(f -> f.path("ready").asBoolean());
      String blender = b.register("Blender", "file.blend", "receiver");
      FedHub.Events blenderEvents = b.events(blender);
      String freecad = a.register("FreeCAD", "Doc", "sender");
      FederationTest.awaitRemotePeer(a, blender);
      String box = a.putBlob(FederationTest.box(7));
      a.publish(FederationTest.scene("Doc", Map.of("Box", box)), freecad, null);

      // Told, and served, before B's fsync.
      JsonNode v = blenderEvents.next("version", d -> d.path("scene").asText().endsWith(":Doc"));
      String id = v.path("scene").asText();
      assertThat(b.blob(box)).isEqualTo(MeshBlob.encode(FederationTest.box(7)));
      b.awaitFederation(f -> f.path("unsettled").asInt() >= 1); // handed over just after the receivers were told
      // Not acked to the stream meanwhile: not even when the stream delivers it again and B finds it taken.
      Subjects subjects = new Subjects("test");
      String durable = subjects.durable(FederationConfig.hubId(b.home));
      awaitConsumer(admin, subjects.stream(), durable, c -> c.getRedelivered() >= 1);
      assertThat(consumer(admin, subjects.stream(), durable).getNumAckPending()).isEqualTo(1);
      assertThat(b.federation().path("settled").asInt()).isZero();

      // B dies; a power cut leaves its version file empty (written, never fsync'd) and the line saying it was taken.
      b.stop();
      Path file;
      try (Stream<Path> files = Files.walk(b.home.resolve("store").resolve("scenes"))) {
        file = files.filter(f -> f.getFileName().toString().equals("v1.json")).findFirst().orElseThrow();
      }
      Files.write(file, new byte[0]);
      assertThat(Files.readString(b.home.resolve("federation").resolve("origins.jsonl"))).contains("\"Doc\"");

      b.hold = null;
      b.start();
      String again = b.register("Blender", "file.blend", "receiver");
      FedHub.Events events = b.events(again);
      JsonNode back = events.next("version", d -> d.path("scene").asText().equals(id));
      assertThat(back.path("version").asInt()).isEqualTo(1);
      JsonNode delta = b.get("scenes/" + id + "/delta?from=0");
      assertThat(delta.path("added")).hasSize(1);
      assertThat(delta.path("added").get(0).path("mesh").asText()).isEqualTo(box);
      assertThat(b.blob(box)).isEqualTo(MeshBlob.encode(FederationTest.box(7)));
      b.awaitFederation(f -> f.path("settled").asInt() >= 1 && f.path("unsettled").asInt() == 0);
      awaitConsumer(admin, subjects.stream(), durable, c -> c.getNumAckPending() == 0);
      assertThat(Files.size(file)).isPositive();
      // Stopped cleanly now: nothing left unacked, nothing taken twice after the restart.
      b.stop();
      b.start();
      b.awaitFederation(f -> f.path("ready").asBoolean());
      assertThat(b.get("scenes/" + id + "/delta?from=0").path("to").asInt()).isEqualTo(1);
    }
  }

  private static ConsumerInfo consumer(Connection c, String stream, String durable) throws Exception {
    return c.jetStreamManagement().getConsumerInfo(stream, durable);
  }

  /** Polls the consumer's state on the server (another process) until it passes, bounded by the watchdog. */
  private static void awaitConsumer(Connection c, String stream, String durable, Predicate<ConsumerInfo> test)
      throws Exception {
    long deadline = System.nanoTime() + FedHub.WATCHDOG.toNanos();
    ConsumerInfo info = consumer(c, stream, durable);
    while (!test.test(info)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the consumer never passed the test: " + info);
      }
      Thread.sleep(20);
      info = consumer(c, stream, durable);
    }
  }
}
