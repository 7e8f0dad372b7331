package dev.livelink.cli;

import dev.livelink.sdk.LiveLinkClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Sends the files, then again whenever one changes, so any program that writes a mesh file is a live source. */
@Command(name = "watch", description = "Send files now and again each time they change (Ctrl-C stops).")
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;
  @Mixin SendOptions options;

  @Option(names = "--debounce", paramLabel = "MS", description = "quiet time before re-sending (default ${DEFAULT-VALUE})")
  long debounceMillis = 300;

  @Override
  public Integer call() throws Exception {
    LiveLinkClient client = LiveLinkClient.connect(home.resolve());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Sender sender = new Sender(client, options, out, err);
    Set<Path> watched = new HashSet<>();
    try (WatchService ws = FileSystems.getDefault().newWatchService()) {
      Set<Path> dirs = new HashSet<>();
      for (Path f : options.files) {
        Path abs = f.toAbsolutePath().normalize();
        watched.add(abs);
        if (dirs.add(abs.getParent())) {
          abs.getParent().register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        }
      }
      trySend(sender, err);
      out.println("watching " + watched.size() + " file(s); Ctrl-C stops");
      out.flush();
      while (true) {
        WatchKey key = ws.take();
        boolean relevant = drain(key, watched);
        // Debounce: writers save in several steps; wait until the directory stays quiet.
        WatchKey more;
        while ((more = ws.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null) {
          relevant |= drain(more, watched);
        }
        if (relevant) {
          trySend(sender, err);
          out.flush();
        }
      }
    }
  }

  private static boolean drain(WatchKey key, Set<Path> watched) {
    boolean relevant = false;
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> e : key.pollEvents()) {
      if (e.context() instanceof Path p && watched.contains(dir.resolve(p).toAbsolutePath().normalize())) {
        relevant = true;
      }
    }
    key.reset();
    return relevant;
  }

  /** A half-written or broken file is reported and the watch goes on. */
  private static void trySend(Sender sender, PrintWriter err) {
    try {
      sender.send();
    } catch (IOException | RuntimeException e) {
      err.println("livelink: " + Main.describe(e));
      err.flush();
    }
  }
}
