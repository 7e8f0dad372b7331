package dev.livelink.cli;

import dev.livelink.sdk.LiveLinkClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Publishes mesh files as one scene. */
@Command(name = "send", description = "Send OBJ, STL, PLY or glTF files to the connected applications.")
final class SendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin SendOptions options;

  @Override
  public Integer call() throws Exception {
    LiveLinkClient client = LiveLinkClient.connect(home.resolve());
    boolean ok = new Sender(client, options, spec.commandLine().getOut(), spec.commandLine().getErr()).send();
    return ok ? 0 : 1;
  }
}
