package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.hub.Hub;
import dev.livelink.runtime.RuntimeFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  /** Output a test can wait on: every write wakes the waiters. */
  static final class Captured extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      notifyAll();
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    synchronized void reset() {
      bytes.reset();
    }

    /** Waits until the text holds {@code part}; the deadline is a watchdog against a hang, not a timing. */
    synchronized boolean await(String part, Duration watchdog) throws InterruptedException {
      long deadline = System.nanoTime() + watchdog.toNanos();
      while (!text().contains(part)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  @TempDir Path home;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final Captured err = new Captured();

  int run(String... args) {
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  String err() {
    return err.text();
  }

  static String fixture(String name) throws URISyntaxException {
    return Path.of(MainTest.class.getResource("/fixtures/" + name).toURI()).toString();
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertThat(run("send", "--home", home.toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("livelink: Missing required parameter: 'FILE' (see livelink --help)\n");
    assertThat(run("bogus")).isEqualTo(2);
  }

  @Test
  void statusWithoutHubExitsOneWithTheReason() {
    assertThat(run("status", "--home", home.toString())).isEqualTo(1);
    assertThat(err()).isEqualTo("livelink: no hub is running for " + home + " (no hub.json); start one with: "
        + "livelink hub\n");
  }

  @Test
  void staleRuntimeFileSaysTheHubDoesNotAnswer() throws Exception {
    Files.writeString(home.resolve("hub.json"), "{\"port\":1,\"token\":\"x\",\"pid\":1,\"version\":\"0\"}");
    assertThat(run("status", "--home", home.toString())).isEqualTo(1);
    assertThat(err()).startsWith("livelink: the hub at http://127.0.0.1:1/v1/ does not answer");
  }

  @Test
  void sendAndPeersAgainstARealHub() throws Exception {
    try (Hub hub = Hub.create(home, 0).start()) {
      assertThat(run("status", "--home", home.toString())).isEqualTo(0);
      assertThat(run("send", "--home", home.toString(), fixture("box_1x2x3_zup_binary.stl"),
          fixture("box_1x2x3_yup_two_colours.obj"), "--scene", "two boxes")).isEqualTo(0);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("sent two boxes version 1: 2 added, 0 changed, "
          + "0 removed; 24 triangles, 2 new blob(s), to 0 receiver(s)");
      assertThat(run("peers", "--home", home.toString())).isEqualTo(0);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("no peers connected");
    }
  }

  @Test
  void watchResendsWhenTheFileChanges() throws Exception {
    Path obj = home.resolve("part.obj");
    Files.writeString(obj, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
    try (Hub hub = Hub.create(home, 0).start()) {
      // A receiver of our own hears each version the watcher publishes.
      dev.livelink.sdk.LiveLinkClient c = dev.livelink.sdk.LiveLinkClient.connect(home);
      String peer = c.register("Test", "1", "watch", "receiver", java.util.List.of());
      java.util.concurrent.BlockingQueue<Integer> versions = new java.util.concurrent.LinkedBlockingQueue<>();
      Thread listener = new Thread(() -> {
        try {
          c.events(peer, (name, data) -> {
            if (name.equals("version")) {
              versions.add(data.path("version").asInt());
            }
          });
        } catch (dev.livelink.sdk.ClientException e) {
          // The hub stops at the end of the test and ends the stream.
        }
      });
      listener.setDaemon(true);
      listener.start();
      Thread t = new Thread(() -> run("watch", "--home", home.toString(), "--debounce", "100", obj.toString()));
      t.setDaemon(true);
      t.start();
      assertThat(versions.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
      Files.writeString(obj, "v 0 0 0\nv 2 0 0\nv 0 2 0\nf 1 2 3\n");
      assertThat(versions.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2);
      // A half-written file is reported and the watch goes on.
      Files.writeString(obj, "v 0 0 0\nf 1 2 9\n");
      assertThat(err.await("face names vertex 2", Duration.ofSeconds(30))).isTrue();
      assertThat(err()).contains("part.obj:2: face names vertex 2 but 1 vertices are defined so far");
      assertThat(t.isAlive()).isTrue();
      t.interrupt();
    }
  }

  @Test
  void takenPortIsReportedAndAFreeOneTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
         Hub hub = Hub.create(home, taken.getLocalPort()).start()) {
      assertThat(hub.portWasTaken()).isTrue();
      assertThat(hub.port()).isNotEqualTo(taken.getLocalPort());
      assertThat(RuntimeFile.read(home).port()).isEqualTo(hub.port());
    }
  }

  @Test
  void badFilesExitOneNamingTheProblem() throws Exception {
    try (Hub hub = Hub.create(home, 0).start()) {
      assertThat(run("send", "--home", home.toString(), fixture("box_1x2x3_zup_truncated.stl"))).isEqualTo(1);
      assertThat(err()).contains("truncated binary STL: header declares 12 triangles");
      assertThat(run("send", "--home", home.toString(), home.resolve("nope.obj").toString())).isEqualTo(1);
      assertThat(err()).contains("no such file: " + home.resolve("nope.obj"));
      assertThat(run("send", "--home", home.toString(), "--to", "ghost", fixture("box_1x2x3_zup_binary.stl")))
          .isEqualTo(1);
      assertThat(err()).contains("no connected peer \"ghost\" (see livelink peers)");
      assertThat(run("send", "--home", home.toString(), "--units", "furlong", fixture("box_1x2x3_zup_binary.stl")))
          .isEqualTo(1);
      assertThat(err()).contains("unknown units \"furlong\"");
    }
  }
}
