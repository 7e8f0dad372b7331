package dev.livelink.cli;

import dev.livelink.export.ExportException;
import dev.livelink.format.FormatException;
import dev.livelink.model.ModelException;
import dev.livelink.sdk.ClientException;
import dev.livelink.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code livelink}: the hub daemon and the tools around it. Exit codes: 0 ok, 1 failed, 2 usage. */
@Command(name = "livelink", mixinStandardHelpOptions = true, version = "livelink 0.1.0",
    description = "Live link that moves 3D models between desktop applications.",
    subcommands = {HubCommand.class, StatusCommand.class, PeersCommand.class, SendCommand.class,
        WatchCommand.class, InstallCommand.class, PackageCommand.class, ReceiveCommand.class, ExportCommand.class,
        OpenCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (hub, status, peers, "
        + "send, watch, install, package, receive, export, open)");
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("livelink: " + ex.getMessage() + " (see livelink --help)");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      err.println("livelink: " + describe(ex));
      return 1;
    });
    return cl.execute(args);
  }

  static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof UncheckedIOException u) {
      return describe(u.getCause());
    }
    if (e instanceof ClientException || e instanceof FormatException || e instanceof ModelException
        || e instanceof ExportException
        || e instanceof StoreException || e instanceof IOException) {
      return e.getMessage();
    }
    return e.toString();
  }
}
