package dev.livelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.federation.FederationConfig;
import dev.livelink.federation.NatsLink;
import dev.livelink.hub.Hub;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A federated hub for the benches: in the bench's own JVM (sharing its heap, its collector's pauses and its JIT
 * with the other hub and the clients), or a process of its own started as {@code ./livelink hub} starts it, as on a
 * studio's machine.
 */
interface BenchHub extends AutoCloseable {
  int port();

  String token();

  /** The process to read the CPU of, or -1 for this JVM. */
  long pid();

  /** Waits until every batch this hub took is written to blob files: the background work of a first send is over. */
  void awaitSplit() throws Exception;

  @Override
  void close() throws Exception;

  static BenchHub inProcess(Path home, String url, String host) throws Exception {
    return inProcess(home, url, host, "bench");
  }

  /** A hub in this JVM joined to {@code space}. */
  static BenchHub inProcess(Path home, String url, String host, String space) throws Exception {
    FederationConfig c = new FederationConfig(FederationConfig.parseServers(url), space, null, null, null, null,
        null, false, host, 1, Duration.ofSeconds(15));
    Hub h = Hub.create(home, 0).federate(NatsLink.factory(home, c)).start();
    awaitFederation(new LiveLinkClient(h.port(), h.token()), host, System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
    return of(h);
  }

  /** A hub in this JVM without NATS: the local path. */
  static BenchHub unfederated(Path home) throws Exception {
    return of(Hub.create(home, 0).start());
  }

  private static BenchHub of(Hub h) {
    return new BenchHub() {
      public int port() {
        return h.port();
      }

      public String token() {
        return h.token();
      }

      public long pid() {
        return -1;
      }

      public void awaitSplit() throws InterruptedException {
        h.awaitSplit();
      }

      public void close() {
        h.close();
      }
    };
  }

  /**
   * {@code java -XX:+UseSerialGC -Xshare:auto -jar livelink.jar hub}, the launcher's JVM options, its own home;
   * {@code -Dhub.jvm="..."} adds JVM options.
   */
  static BenchHub process(Path jar, Path home, String url, String host) throws Exception {
    Files.createDirectories(home);
    Files.write(home.resolve("hub.conf.json"), Json.bytes(Json.object().put("nats", url).put("space", "bench")
        .put("host", host)));
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xshare:auto"));
    String extra = System.getProperty("hub.jvm", ""); // -Dhub.jvm="-Xlog:gc:file=/tmp/gc-%p.log": more JVM options
    if (!extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
    cmd.addAll(List.of("-jar", jar.toString(), "hub", "--home", home.toString(), "--port", "0"));
    Process p = Children.start(new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(home.resolve("hub.log").toFile()));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      RuntimeFile file = awaitListening(p, home, host, deadline);
      LiveLinkClient c = new LiveLinkClient(file.port(), file.token());
      awaitFederation(c, host, deadline);
      return new BenchHub() {
        public int port() {
          return file.port();
        }

        public String token() {
          return file.token();
        }

        public long pid() {
          return p.pid();
        }

        public void awaitSplit() throws InterruptedException {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (c.status().path("pendingBytes").asLong() > 0) {
            if (System.nanoTime() > until) throw new IllegalStateException(host + " never wrote its blob files");
            Thread.sleep(10); // another process's state: polled, bounded
          }
        }

        public void close() throws InterruptedException {
          p.destroy();
          if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
      };
    } catch (Exception | Error e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** The hub.json of a hub process started in {@code home}, once it listens; until {@code deadline} (nanoTime). */
  static RuntimeFile awaitListening(Process p, Path home, String host, long deadline) throws IOException,
      InterruptedException {
    RuntimeFile rf;
    while ((rf = RuntimeFile.read(home)) == null) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        throw new IllegalStateException(host + " did not start; see " + home.resolve("hub.log"));
      }
      Thread.sleep(20); // hub.json is written by the other process once it listens
    }
    return rf;
  }

  /** Waits until the hub has joined its space, until {@code deadline} (nanoTime); its federation status. */
  static JsonNode awaitFederation(LiveLinkClient c, String host, long deadline) throws InterruptedException {
    JsonNode f;
    while (!(f = c.status().path("federation")).path("ready").asBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(host + " never joined its space: " + f);
      Thread.sleep(20); // another process's state (or a hub's own threads): polled, bounded
    }
    return f;
  }
}
