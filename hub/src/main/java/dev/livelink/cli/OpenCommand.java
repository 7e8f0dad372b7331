package dev.livelink.cli;

import dev.livelink.hub.Hub;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code livelink open}: the hub's page in the browser, on a login link that works once. */
@Command(name = "open", description = "Open the hub's page in the browser, starting the hub if none runs.")
final class OpenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--print", description = "only print the one-time login URL")
  boolean print;

  @Option(names = "--port", description = "port of a hub this starts (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port = Hub.DEFAULT_PORT;

  @Override
  public Integer call() throws Exception {
    return new PageOpener(Environment.system(), spec.commandLine().getOut()).open(home.resolve(), port, print);
  }
}
