package dev.livelink.cli;

import dev.livelink.hub.Hub;
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
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--port", description = "port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port = Hub.DEFAULT_PORT;

  @Override
  public Integer call() throws Exception {
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
    Hub hub = Hub.create(dir, port).start();
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
    stopped.await();
    return 0;
  }
}
