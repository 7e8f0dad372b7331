package dev.livelink.bench;

import java.io.IOException;

/**
 * Processes a bench starts (hubs, nats-server): each is ended when the bench's JVM exits, also when it is stopped by
 * Ctrl-C or SIGTERM, so a stopped bench leaves none of them running (a stopped soak once left its hubs behind).
 */
final class Children {
  private Children() {}

  static Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "bench-child-reaper"));
    return p;
  }
}
