package dev.livelink.federation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server -js} for tests: on a free loopback port with its own store directory, started and
 * stopped (and started again on the same port and store) by the test. Ready means it logged "Server is ready".
 */
final class NatsServer implements AutoCloseable {
  final int port;
  final Path dir;
  private final List<String> extraArgs;
  private Process process;
  private final StringBuilder log = new StringBuilder();

  /** @param extraArgs more nats-server arguments (a config file, auth) */
  NatsServer(Path dir, String... extraArgs) throws IOException {
    this(dir, freePort(), extraArgs);
  }

  NatsServer(Path dir, int port, String... extraArgs) throws IOException {
    this.dir = dir;
    this.port = port;
    this.extraArgs = List.of(extraArgs);
    Files.createDirectories(dir);
    start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * Servers running now. A test run stopped by a signal (a CI step's timeout, Ctrl-C) skips every close, and a child
   * process outlives its JVM: this hook kills what is left, so no nats-server stays behind.
   */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(
        new Thread(() -> LIVE.forEach(Process::destroyForcibly), "nats-server-reaper"));
  }

  synchronized void start() throws IOException {
    if (process != null) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("nats-server", "-js", "-a", "127.0.0.1", "-p",
        String.valueOf(port), "-sd", dir.resolve("store").toString()));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    LIVE.add(p);
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.contains("Server is ready")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // The server stopped.
      }
      ready.countDown(); // ended before it was ready: the check below sees it is not alive
    }, "nats-server-log");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!ready.await(30, TimeUnit.SECONDS) || !p.isAlive()) {
        p.destroyForcibly();
        LIVE.remove(p);
        throw new IllegalStateException("nats-server did not start:\n" + log());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      LIVE.remove(p);
      throw new IllegalStateException("interrupted", e);
    }
    process = p;
  }

  /** Stops it (SIGTERM, as a service manager would) and waits until it is gone. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
    process = null;
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  synchronized void kill() {
    if (process == null) {
      return;
    }
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
    process = null;
  }

  String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  static Path write(Path file, String text) {
    try {
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
