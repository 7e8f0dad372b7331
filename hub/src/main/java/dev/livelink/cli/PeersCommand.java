package dev.livelink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.livelink.sdk.LiveLinkClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists connected applications. */
@Command(name = "peers", description = "List the applications connected to the hub.")
final class PeersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() {
    ArrayNode peers = LiveLinkClient.connect(home.resolve()).peers();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(peers.toPrettyString());
      return 0;
    }
    if (peers.isEmpty()) {
      out.println("no peers connected");
      return 0;
    }
    out.printf("%-20s %-10s %-10s %-8s %-9s %-16s %s%n", "ID", "APP", "VERSION", "PID", "ROLE", "HOST",
        "DOCUMENT");
    for (JsonNode p : peers) {
      out.printf("%-20s %-10s %-10s %-8d %-9s %-16s %s%n", p.path("id").asText(), p.path("app").asText(),
          p.path("appVersion").asText(), p.path("pid").asLong(), p.path("role").asText(),
          p.path("host").asText("(this machine)"), p.path("document").asText());
    }
    return 0;
  }
}
