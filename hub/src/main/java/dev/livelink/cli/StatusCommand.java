package dev.livelink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.sdk.LiveLinkClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Exit 0 when the hub answers, 1 with the reason when it does not. */
@Command(name = "status", description = "Say whether the hub is running.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Override
  public Integer call() {
    JsonNode s = LiveLinkClient.connect(home.resolve()).status();
    spec.commandLine().getOut().println("hub " + s.path("version").asText() + " running, pid "
        + s.path("pid").asLong() + ", " + s.path("peers").asInt() + " peer(s), " + s.path("scenes").asInt()
        + " scene(s)");
    return 0;
  }
}
