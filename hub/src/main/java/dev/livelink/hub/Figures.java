package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.IntSupplier;

/** The hub's own figures for its page: version, since when it runs, what it holds and how much disk that takes. */
final class Figures {
  private final Path storeDir;
  private final RuntimeFile runtime;
  private final SceneStore store;
  private final IntSupplier peers;
  private final long startedAtMillis;
  private String machine;

  Figures(Path home, RuntimeFile runtime, SceneStore store, IntSupplier peers, long startedAtMillis) {
    this.storeDir = home.resolve("store");
    this.runtime = runtime;
    this.store = store;
    this.peers = peers;
    this.startedAtMillis = startedAtMillis;
  }

  /** Walks the store for its size: called off the request threads, at most once a second (see HubEvents). */
  ObjectNode now() {
    long now = System.currentTimeMillis();
    return Json.object().put("app", "livelink").put("version", runtime.version()).put("pid", runtime.pid())
        .put("port", runtime.port()).put("startedAt", startedAtMillis).put("uptimeMs", now - startedAtMillis)
        .put("peers", peers.getAsInt()).put("scenes", store.sceneCount()).put("blobs", store.blobs().count())
        .put("storeBytes", bytes(storeDir)).put("machine", machine());
  }

  /**
   * The machine's name: the hub listens on loopback only, so every peer runs here. Looked up once, on the events
   * thread, since a resolver may take its time.
   */
  private String machine() {
    if (machine == null) {
      try {
        machine = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        machine = "this machine";
      }
    }
    return machine;
  }

  /** Bytes of the regular files under {@code dir}; files that vanish meanwhile (a sweep, a split pack) count 0. */
  static long bytes(Path dir) {
    long[] sum = {0};
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            sum[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // walkFileTree reports failures through visitFileFailed; what was summed stands.
    }
    return sum[0];
  }
}
