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
    JsonNode f = s.get("federation");
    if (f != null) {
      // One line a user can act on: where the space is, whether it is reachable, and what waits to go out.
      spec.commandLine().getOut().println("space " + f.path("space").asText() + " via " + f.path("nats").asText()
          + ": " + (f.path("ready").asBoolean() ? "connected" : f.path("state").asText()) + ", host "
          + f.path("host").asText() + ", " + f.path("remotePeers").asInt() + " remote peer(s), outbox "
          + f.path("outbox").asInt() + (f.path("lastError").isTextual() ? "; last error: "
          + f.path("lastError").asText() : ""));
    }
    return 0;
  }
}
