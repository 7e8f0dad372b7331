package dev.livelink.hub;

import com.sun.net.httpserver.HttpServer;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.SceneStore;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The livelink daemon: an HTTP server on 127.0.0.1, its peers, its store. {@code start} binds and writes the
 * runtime file; {@code stop} (idempotent) ends every event stream and removes the runtime file.
 *
 * <p>Built on the JDK's own HTTP server: it starts in milliseconds and needs no dependency (see docs/protocol.md).
 */
public final class Hub implements AutoCloseable {
  public static final String VERSION = "0.1.0";
  public static final int DEFAULT_PORT = 25000;

  private final Path home;
  private final int requestedPort;
  private HttpServer server;
  private ExecutorService executor;
  private HttpApi api;
  private RuntimeFile runtime;
  private SceneStore store;
  private boolean portWasTaken;

  private Hub(Path home, int port) {
    this.home = home;
    this.requestedPort = port;
  }

  /**
   * A hub for {@code home} on {@code port} (0 = any free port); when the port is taken it takes a free one and says
   * so in {@link #portWasTaken()}, because clients find the port in hub.json, not by convention.
   */
  public static Hub create(Path home, int port) {
    return new Hub(home, port);
  }

  public synchronized Hub start() throws IOException {
    if (server != null) {
      return this;
    }
    Files.createDirectories(home);
    // Small request/response exchanges on loopback: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    store = new SceneStore(home);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      server = HttpServer.create(new InetSocketAddress(loopback, requestedPort), 64);
    } catch (BindException e) {
      if (requestedPort == 0) {
        throw e;
      }
      portWasTaken = true;
      server = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
    }
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "livelink-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    byte[] tok = new byte[24];
    new SecureRandom().nextBytes(tok);
    int port = server.getAddress().getPort();
    runtime = new RuntimeFile(port, HexFormat.of().formatHex(tok), ProcessHandle.current().pid(), VERSION);
    api = new HttpApi(runtime, store);
    server.createContext("/", api);
    server.start();
    runtime.write(home);
    return this;
  }

  public int port() {
    return runtime.port();
  }

  public String token() {
    return runtime.token();
  }

  public Path home() {
    return home;
  }

  /** True when the requested port was in use and a free one was taken instead. */
  public boolean portWasTaken() {
    return portWasTaken;
  }

  /** Waits until every batch upload answered so far is split into blob files (see BlobStore#awaitSplit). */
  public void awaitSplit() throws InterruptedException {
    SceneStore s;
    synchronized (this) {
      s = store;
    }
    if (s != null) {
      s.blobs().awaitSplit();
    }
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    api.shutdown();
    server.stop(0);
    executor.shutdownNow();
    store.close();
    try {
      RuntimeFile current = RuntimeFile.read(home);
      if (current != null && current.token().equals(runtime.token())) {
        Files.deleteIfExists(home.resolve(RuntimeFile.NAME));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("livelink: could not remove " + home.resolve(RuntimeFile.NAME) + ": " + e.getMessage());
    }
    server = null;
  }

  @Override
  public void close() {
    stop();
  }
}
