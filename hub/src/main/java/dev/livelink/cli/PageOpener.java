package dev.livelink.cli;

import dev.livelink.runtime.RuntimeFile;
import dev.livelink.sdk.ClientException;
import dev.livelink.sdk.LiveLinkClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What {@code livelink open} does: finds the hub (starting one in the background when none answers), asks it for a
 * one-time login URL, and hands that to a browser — {@code $BROWSER} when set, else the desktop's default. With no
 * browser to start, or with {@code --print}, the URL is printed instead; either way the exit code is 0.
 */
final class PageOpener {
  /** A browser launcher that has not failed within this long is taken to have opened the page. */
  private static final long LAUNCH_WAIT_MILLIS = 5000;
  /** How long a started hub may take to answer (a cold JVM on a busy machine). */
  private static final long HUB_START_MILLIS = 30_000;
  private static final long POLL_MILLIS = 50;

  private final Environment env;
  private final PrintWriter out;

  PageOpener(Environment env, PrintWriter out) {
    this.env = env;
    this.out = out;
  }

  int open(Path home, int port, boolean printOnly) throws IOException, InterruptedException {
    LiveLinkClient hub = hub(home, port);
    String url = hub.pageLogin();
    if (printOnly) {
      out.println(url);
      return 0;
    }
    for (List<String> command : browsers(url)) {
      if (launch(command)) {
        out.println("livelink: opened the hub's page with " + command.get(0) + " ("
            + url.substring(0, url.indexOf("/login")) + "/)");
        return 0;
      }
    }
    out.println("livelink: no browser to start; open this link, which works once:");
    out.println(url);
    return 0;
  }

  /** The running hub's client; a hub is started in the background when none answers. */
  private LiveLinkClient hub(Path home, int port) throws IOException, InterruptedException {
    LiveLinkClient c = answering(home);
    if (c != null) {
      return c;
    }
    Files.createDirectories(home);
    Path log = home.resolve("hub.log");
    List<String> command = new ArrayList<>();
    if (env.onPath("setsid")) {
      command.add("setsid"); // its own session: closing this terminal does not stop the hub
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.livelink.cli.Main", "hub", "--home", home.toString(), "--port", Integer.toString(port)));
    Process p = env.runner().start(command, log);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HUB_START_MILLIS);
    // Poll the state with a deadline: hub.json appears, then the port answers; or the hub exits and says why.
    while (System.nanoTime() < deadline) {
      c = answering(home);
      if (c != null) {
        out.println("livelink: started the hub (log: " + log + ")");
        return c;
      }
      if (p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS) && p.exitValue() != 0) {
        throw new ClientException("the hub did not start: " + lastLine(log));
      }
    }
    throw new ClientException("the hub did not answer within " + HUB_START_MILLIS / 1000 + " s: " + lastLine(log));
  }

  private static LiveLinkClient answering(Path home) throws IOException {
    RuntimeFile rf = RuntimeFile.read(home);
    if (rf == null) {
      return null;
    }
    LiveLinkClient c = new LiveLinkClient(rf.port(), rf.token());
    try {
      c.status();
      return c;
    } catch (ClientException e) {
      return null; // a hub.json left by a hub that died
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.isEmpty() ? "no output in " + log : lines.get(lines.size() - 1);
    } catch (IOException e) {
      return "see " + log;
    }
  }

  /**
   * Browsers to try, in order: each entry of {@code $BROWSER} (colon-separated, {@code %s} standing for the URL,
   * else the URL added last), else the desktop's opener — only where there is a desktop, since {@code xdg-open}
   * without one falls back to a text browser in this terminal.
   */
  List<List<String>> browsers(String url) {
    List<List<String>> out = new ArrayList<>();
    String browser = env.get("BROWSER");
    if (browser != null) {
      for (String entry : browser.split(":")) {
        if (entry.isBlank()) {
          continue;
        }
        List<String> command = new ArrayList<>(List.of(entry.trim().split("\\s+")));
        if (entry.contains("%s")) {
          command.replaceAll(a -> a.replace("%s", url));
        } else {
          command.add(url);
        }
        out.add(command);
      }
      return out;
    }
    String os = env.osName().toLowerCase(Locale.ROOT);
    if (os.contains("mac")) {
      out.add(List.of("open", url));
    } else if (os.contains("win")) {
      out.add(List.of("rundll32", "url.dll,FileProtocolHandler", url));
    } else if ((env.get("DISPLAY") != null || env.get("WAYLAND_DISPLAY") != null) && env.onPath("xdg-open")) {
      out.add(List.of("xdg-open", url));
    }
    return out;
  }

  /** True when the command started and did not fail within {@link #LAUNCH_WAIT_MILLIS} (a browser may keep running). */
  private boolean launch(List<String> command) throws InterruptedException {
    Path output = null;
    try {
      output = Files.createTempFile("livelink-browser", ".log");
      Process p = env.runner().start(command, output);
      return !p.waitFor(LAUNCH_WAIT_MILLIS, TimeUnit.MILLISECONDS) || p.exitValue() == 0;
    } catch (IOException e) {
      return false; // not installed, not executable
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // A temp file left behind; the system cleans its temp folder.
        }
      }
    }
  }
}
