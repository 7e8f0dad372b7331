package dev.livelink.cli;

import dev.livelink.federation.FederationConfig;
import dev.livelink.federation.FederationException;
import dev.livelink.federation.NatsLink;
import dev.livelink.hub.Hub;
import dev.livelink.hub.Warmup;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.sdk.ClientException;
import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the hub in the foreground until interrupted. */
@Command(name = "hub", description = "Run the hub in the foreground (Ctrl-C stops it).")
final class HubCommand implements Callable<Integer> {
  /**
   * The most made-up sends run at start (see Warmup: it ends sooner once the code is compiled, after 30-60 here);
   * {@code LIVELINK_WARMUP=0} or {@code -Dlivelink.warmup=0}: none.
   */
  static final int WARMUP_ROUNDS = 60;

  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--port", description = "port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port = Hub.DEFAULT_PORT;

  @Option(names = "--nats", paramLabel = "URL", description = "join a space of hubs through this NATS server "
      + "(nats://HOST:4222, tls://HOST:4222; several, comma-separated, for a cluster); see docs/studio.md")
  String nats;

  @Option(names = "--space", description = "the space to join (default: default)")
  String space;

  @Option(names = "--nats-token-file", paramLabel = "FILE", description = "NATS token, in a file")
  Path tokenFile;

  @Option(names = "--nats-nkey", paramLabel = "FILE", description = "NATS nkey seed (SU…), in a file")
  Path nkeyFile;

  @Option(names = "--nats-tls-ca", paramLabel = "FILE", description = "PEM CA that signed the NATS server's cert")
  Path tlsCa;

  @Option(names = "--nats-tls-cert", paramLabel = "FILE", description = "PEM client certificate")
  Path tlsCert;

  @Option(names = "--nats-tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) client key")
  Path tlsKey;

  @Option(names = "--insecure", description = "allow plain TCP to a NATS server on another machine")
  boolean insecure;

  @Option(names = "--warm-up-only", hidden = true,
      description = "run the start's made-up sends and exit: the launcher's training run for its class archive")
  boolean warmUpOnly;

  @Override
  public Integer call() throws Exception {
    int rounds = warmUpRounds();
    if (warmUpOnly) {
      Warmup.run(rounds, () -> false);
      return 0;
    }
    Path dir = home.resolve();
    RuntimeFile existing = RuntimeFile.read(dir);
    if (existing != null) {
      try {
        new LiveLinkClient(existing.port(), existing.token()).status();
        spec.commandLine().getErr().println("livelink: a hub is already running on port " + existing.port()
            + " (pid " + existing.pid() + ") for " + dir);
        return 1;
      } catch (ClientException e) {
        // A stale runtime file from a hub that died; this hub takes over.
      }
    }
    Hub hub = Hub.create(dir, port);
    FederationConfig federation;
    try {
      federation = FederationConfig.load(dir, new FederationConfig.Flags(nats, space, tokenFile, nkeyFile, tlsCa,
          tlsCert, tlsKey, insecure));
      if (federation != null) {
        hub.federate(NatsLink.factory(dir, federation));
      }
    } catch (FederationException e) {
      spec.commandLine().getErr().println("livelink: " + e.getMessage());
      return 2;
    }
    hub.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.stop();
      stopped.countDown();
    }, "livelink-shutdown"));
    if (hub.portWasTaken()) {
      spec.commandLine().getOut().println("port " + port + " is taken; using port " + hub.port() + " instead");
    }
    spec.commandLine().getOut().println("livelink hub " + Hub.VERSION + " listening on 127.0.0.1:" + hub.port()
        + " (home " + dir + ")");
    if (federation != null) {
      spec.commandLine().getOut().println("joining space \"" + federation.space() + "\" through "
          + federation.describe() + " as " + federation.host());
    }
    if (rounds > 0) {
      warmUp(hub, rounds);
    }
    stopped.await();
    return 0;
  }

  private int warmUpRounds() {
    String env = System.getenv("LIVELINK_WARMUP");
    int rounds = WARMUP_ROUNDS;
    if (env != null) {
      try {
        rounds = Integer.parseInt(env.trim());
      } catch (NumberFormatException e) {
        spec.commandLine().getErr().println("livelink: LIVELINK_WARMUP=\"" + env + "\" is not a number; warming up "
            + WARMUP_ROUNDS + " rounds");
      }
    }
    return Integer.getInteger("livelink.warmup", rounds);
  }

  /**
   * Warms the hub up off the request path, after it is announced: a hub started ahead of time (Blender starts one
   * when it opens) is warm when the first send comes. A send that comes first stops it, rather than share the
   * machine with it; that send runs cold, as it would have anyway.
   */
  private void warmUp(Hub hub, int rounds) {
    long sendsBefore = hub.sends();
    Thread t = new Thread(() -> {
      long t0 = System.nanoTime();
      int done = Warmup.run(rounds, () -> hub.sends() != sendsBefore);
      spec.commandLine().getErr().printf("livelink: warmed up with %d made-up sends in %.0f ms%n", done,
          (System.nanoTime() - t0) / 1e6);
    }, "livelink-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }
}
