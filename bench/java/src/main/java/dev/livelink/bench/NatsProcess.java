package dev.livelink.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@code nats-server -js} on a free loopback port with its store in {@code dir}, ready once it says so. */
final class NatsProcess implements AutoCloseable {
  final String url;
  private final Process process;

  NatsProcess(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    process = Children.start(new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", String.valueOf(port),
        "-sd", dir.toString()).redirectErrorStream(true));
    CountDownLatch ready = new CountDownLatch(1);
    Thread log = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.contains("Server is ready")) ready.countDown();
        }
      } catch (IOException e) {
        // Stopped.
      }
    });
    log.setDaemon(true);
    log.start();
    if (!ready.await(30, TimeUnit.SECONDS)) {
      process.destroy();
      throw new IllegalStateException("nats-server did not start");
    }
    url = "nats://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
