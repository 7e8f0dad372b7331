package dev.livelink.hub;

import com.sun.net.httpserver.HttpServer;
import dev.livelink.runtime.Home;
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

/**
 * The livelink daemon: an HTTP server on 127.0.0.1, its peers, its store. {@code start} binds and writes the
 * runtime file; {@code stop} (idempotent) ends every event stream and removes the runtime file.
 *
 * <p>Built on the JDK's own HTTP server: it starts in milliseconds and needs no dependency (see docs/protocol.md).
 */
public final class Hub implements AutoCloseable {
  public static final String VERSION = "0.1.0";
  public static final int DEFAULT_PORT = 25000;
  /**
   * Backstop of the JDK server (seconds): a request whose header and body take longer than this to arrive is cut
   * whatever the stalls. The hub's own guards (see Watchdog) act much sooner on a stall; this only bounds a client
   * that trickles a byte at a time. Also makes the JDK forget connections the hub cut.
   */
  static final String MAX_REQUEST_SECONDS = "300";
  /** Connections the kernel queues before the server accepts them; 64 dropped SYNs when hundreds connect at once. */
  private static final int BACKLOG = 1024;
  /** How long stop() waits for the requests being answered (the event streams end at once). */
  private static final long STOP_GRACE_MILLIS = 2000;

  private final Path home;
  private final int requestedPort;
  private final Limits limits;
  private final SceneStore.Options storeOptions;
  private HttpServer server;
  private Workers workers;
  private HttpApi api;
  private RuntimeFile runtime;
  private SceneStore store;
  private boolean portWasTaken;
  private Federation.Factory federate;

  private Hub(Path home, int port, Limits limits, SceneStore.Options storeOptions) {
    this.home = home;
    this.requestedPort = port;
    this.limits = limits;
    this.storeOptions = storeOptions;
  }

  /**
   * A hub for {@code home} on {@code port} (0 = any free port); when the port is taken it takes a free one and says
   * so in {@link #portWasTaken()}, because clients find the port in hub.json, not by convention.
   */
  public static Hub create(Path home, int port) {
    return new Hub(home, port, Limits.DEFAULTS, SceneStore.Options.DEFAULTS);
  }

  /** As {@link #create(Path, int)}, with other limits (tests, benchmarks). */
  public static Hub create(Path home, int port, Limits limits) {
    return new Hub(home, port, limits, SceneStore.Options.DEFAULTS);
  }

  /** With the store's grace period, sweep interval and clock set too (tests). */
  static Hub create(Path home, int port, Limits limits, SceneStore.Options storeOptions) {
    return new Hub(home, port, limits, storeOptions);
  }

  /** Links this hub to others (see dev.livelink.federation); call before {@link #start()}. */
  public synchronized Hub federate(Federation.Factory factory) {
    this.federate = factory;
    return this;
  }

  /** The link to other hubs, {@link Federation#NONE} without one (or before start). */
  public synchronized Federation federation() {
    return api == null ? Federation.NONE : api.federation();
  }

  public synchronized Hub start() throws IOException {
    if (server != null) {
      return this;
    }
    Home.createPrivate(home);
    // The JDK server reads these once, when its first server is made in this JVM.
    // Small request/response exchanges on loopback: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
    store = new SceneStore(home, storeOptions);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      server = HttpServer.create(new InetSocketAddress(loopback, requestedPort), BACKLOG);
    } catch (BindException e) {
      if (requestedPort == 0) {
        store.close();
        throw e;
      }
      portWasTaken = true;
      server = HttpServer.create(new InetSocketAddress(loopback, 0), BACKLOG);
    }
    workers = new Workers(limits);
    server.setExecutor(workers.http());
    byte[] tok = new byte[24];
    new SecureRandom().nextBytes(tok);
    int port = server.getAddress().getPort();
    runtime = new RuntimeFile(port, HexFormat.of().formatHex(tok), ProcessHandle.current().pid(), VERSION);
    api = new HttpApi(home, runtime, store, limits, workers, federate);
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

  public Limits limits() {
    return limits;
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

  /** Runs the store's sweep now instead of at its interval (tests). @return blobs deleted */
  int sweepNow() {
    SceneStore s;
    synchronized (this) {
      s = store;
    }
    return s.sweep();
  }

  /** Request and event-stream threads alive now (both bounded, see {@link Limits}). */
  public synchronized int connectionThreads() {
    return workers == null ? 0 : workers.threads();
  }

  /** How many stalled reads or writes the hub cut so far. */
  public synchronized long stallsCut() {
    return workers == null ? 0 : workers.watchdog.cuts();
  }

  /** How many blob uploads, blob questions and publishes this hub has begun to answer. */
  public synchronized long sends() {
    return api == null ? 0 : api.sends();
  }

  /** How many {@code peers} events went out so far (each to every open stream). */
  public synchronized long peerBroadcasts() {
    return api == null ? 0 : api.peers().broadcasts();
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    api.shutdown();
    try {
      api.awaitAnswered(STOP_GRACE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop now: what is still being answered is cut
    }
    server.stop(0);
    workers.close();
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
