package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Material;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Sha256;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Made-up sends through a throwaway hub in this JVM, run while the real hub waits for its first one: a new JVM runs
 * the code of a first send interpreted and loads its classes as it goes, which took 300-400 ms of hub time for a
 * 410-node, 3.5 MB send (about 15 ms once warm); run a few times over, that code is compiled and loaded by the time
 * a real send comes. The throwaway hub has its own home in a temp folder, so nothing of this reaches the real store,
 * and goes through HTTP on loopback like a real send.
 */
public final class Warmup {
  /**
   * Nodes, new blobs and triangles per blob of a made-up send: 410 nodes as a large first send, 60 blobs (0.5 MB)
   * a round, enough for a batch to be checked in chunks while it arrives, as a large one is.
   */
  private static final int NODES = 410;
  private static final int BLOBS = 60;
  private static final int GRID = 15;
  /**
   * Rounds run before the warm-up may end, and the most compiler time (ms) a round, and the compiling it set off,
   * may add for the code to count as compiled (a fully warm round adds 0-2 ms).
   */
  private static final int MIN_ROUNDS = 8;
  private static final long SETTLED_MS = 3;
  /** Rounds in a row that must each stay under {@link #SETTLED_MS}. */
  private static final int SETTLED_ROUNDS = 2;
  /** Polls in a row during which no compilation may finish for the compilers to count as idle. */
  private static final int QUIET_POLLS = 3;
  /** How often, and how long at most, the compilers are watched for being idle after a round. */
  private static final long QUIET_POLL_MS = 30;
  private static final long QUIET_MAX_MS = 3000;
  /** The throwaway hub's folder: {@code livelink-warmup-<pid>-<random>}. */
  private static final String PREFIX = "livelink-warmup-";

  private Warmup() {}

  /**
   * Runs up to {@code rounds} made-up sends, fewer when {@code stop} turns true between two (a real send came: it
   * should not share the machine with made-up ones) or once the code is compiled: after each round it waits for
   * the JIT compilers to go idle, and ends after two rounds in a row that set off (almost) no compiling. Rounds run
   * back to back kept the optimising compiler's queue full on two cores, so hot code (SHA-256's multi-block loop
   * among it) stayed at a profiling tier, and the first real send after 12 (or even 60) rounds still compiled it as
   * it went: 38 ms of hub time for a 410-node first send against 24 now (see docs/performance.md). A failure is
   * reported and ends it: the hub works without it.
   *
   * @return how many rounds ran
   */
  public static int run(int rounds, BooleanSupplier stop) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return run(rounds, stop, jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit::getTotalCompilationTime : null);
  }

  /**
   * As {@link #run(int, BooleanSupplier)}, the JIT's total compile time (ms) read from {@code compileMillis}; null
   * where the JVM does not measure it: then all {@code rounds} run.
   */
  static int run(int rounds, BooleanSupplier stop, LongSupplier compileMillis) {
    Path home = null;
    Thread cleanup = null;
    AtomicBoolean exiting = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    BooleanSupplier enough = () -> exiting.get() || stop.getAsBoolean();
    int done = 0;
    try {
      Path scratch = scratch();
      sweep(scratch);
      home = Files.createTempDirectory(scratch, PREFIX + ProcessHandle.current().pid() + "-");
      // A hub stopped while it warms up (Ctrl-C, a test's terminate) leaves no folder in memory behind: the hook
      // stops the warm-up between two requests and waits for it to delete its folder.
      Path dir = home;
      cleanup = new Thread(() -> {
        exiting.set(true);
        try {
          finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        delete(dir);
      }, "livelink-warm-up-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      try (Hub hub = Hub.create(home.resolve("home"), 0).start();
          Socket s = new Socket(InetAddress.getLoopbackAddress(), hub.port());
          Socket stream = new Socket(InetAddress.getLoopbackAddress(), hub.port())) {
        s.setTcpNoDelay(true);
        Client c = new Client(s, hub.port(), hub.token());
        Parties p = Parties.register(c, new Client(stream, hub.port(), hub.token()));
        for (int settled = 0; done < rounds && !enough.getAsBoolean() && settled < SETTLED_ROUNDS; ) {
          long before = compileMillis != null ? compileMillis.getAsLong() : 0;
          round(c, p, done++, enough);
          long added = compileMillis != null ? quiet(compileMillis, enough) - before : Long.MAX_VALUE;
          settled = added <= SETTLED_MS && done >= MIN_ROUNDS ? settled + 1 : 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("livelink: warm-up skipped: " + e);
    } finally {
      delete(home);
      finished.countDown();
      if (cleanup != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hook runs anyway, and finds nothing left.
        }
      }
    }
    return done;
  }

  /**
   * Waits until the compilers have finished nothing new for a poll's length (or {@code stop}, or a bound): the JVM
   * gives no event for it, so its total compile time is read every {@link #QUIET_POLL_MS}. Waiting lets the queue
   * drain, so that the next round runs, and profiles, what was compiled meanwhile.
   *
   * @return the total compile time then
   */
  private static long quiet(LongSupplier compileMillis, BooleanSupplier stop) {
    long deadline = System.nanoTime() + QUIET_MAX_MS * 1_000_000;
    long last = compileMillis.getAsLong();
    try {
      for (int still = 0; still < QUIET_POLLS && !stop.getAsBoolean() && System.nanoTime() < deadline; ) {
        Thread.sleep(QUIET_POLL_MS);
        long now = compileMillis.getAsLong();
        still = now == last ? still + 1 : 0;
        last = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return last;
  }

  /** Deletes the folders of warm-ups whose process is gone (killed, so no shutdown hook ran). */
  private static void sweep(Path scratch) throws IOException {
    try (Stream<Path> dirs = Files.list(scratch)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
          continue;
        }
        String pid = name.substring(PREFIX.length()).split("-", 2)[0];
        try {
          if (ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
        } catch (NumberFormatException e) {
          // Not one of ours after all.
          continue;
        }
        delete(d);
      }
    }
  }

  /**
   * Where the throwaway hub keeps its store: in memory where the system offers it (Linux's /dev/shm), since an
   * fsync there costs nothing; on disk, the warm-up's fsyncs took seconds while other programs wrote.
   */
  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * The two made-up peers of the throwaway hub, as FreeCAD and Blender register: a sender, and a receiver whose
   * event stream is open (so it stays registered) but never read (its few events wait in the socket's buffer).
   * Their JSON carries the names of every length a real session sends (a name shape the parser never met, as "pid"
   * in the hub's own hub.json read when the throwaway hub stops, sent the compiled parser back to the interpreter
   * right before the first real send: 2-3 ms more for its publish).
   */
  private record Parties(String sender, String receiver) {
    static Parties register(Client c, Client events) throws IOException {
      String sender = register(c, "FreeCAD", "sender");
      String receiver = register(c, "Blender", "receiver");
      events.send("GET", "/v1/peers/" + receiver + "/events", null);
      return new Parties(sender, receiver);
    }

    private static String register(Client c, String app, String role) throws IOException {
      ObjectNode o = Json.object().put("app", app).put("appVersion", "1.0.0").put("pid", ProcessHandle.current().pid())
          .put("document", "warm-up.FCStd").put("role", role);
      o.putArray("accepts").add("livelink-mesh");
      o.putArray("from").add("*");
      return Json.parseObject(c.call("POST", "/v1/peers", Json.bytes(o))).path("id").asText();
    }
  }

  /** One made-up send, its receiver's deltas and ack; {@code stop} is asked between two requests. */
  private static void round(Client c, Parties p, int r, BooleanSupplier stop) throws IOException {
    List<BlobBatch.Frame> frames = new ArrayList<>();
    StringBuilder hashes = new StringBuilder("{\"hashes\":[");
    for (int i = 0; i < BLOBS; i++) {
      byte[] b = MeshBlob.encode(grid(r * BLOBS + i));
      String h = Sha256.hex(b);
      frames.add(new BlobBatch.Frame(h, b));
      hashes.append(i == 0 ? "\"" : ",\"").append(h).append('"');
    }
    c.call("POST", "/v1/blobs/missing", hashes.append("]}").toString().getBytes(StandardCharsets.US_ASCII));
    if (stop.getAsBoolean()) {
      return;
    }
    c.call("POST", "/v1/blobs", BlobBatch.encode(frames));
    if (stop.getAsBoolean()) {
      return;
    }
    // Three documents in turn: each new at first (its whole version encoded), then a new version of it. Parts placed
    // by translation alone ("150.0", "0.0") and rotated ones (17 digits), some with two materials, as senders write.
    String id = "warmup-" + r % 3;
    Material paint = Material.of("paint", 0.8, 0.8, 0.8, 1);
    Material edge = Material.of("edge", 0.1, 0.2, 0.3, 0.5);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      double a = 0.1 * i + r;
      Transform t = i % 2 == 0 ? Transform.translation(150.0 * i, r, 0) : Transform.of(Math.cos(a), -Math.sin(a), 0,
          1.5 * i, Math.sin(a), Math.cos(a), 0, 0.25 * r, 0, 0, 1, 0, 0, 0, 0, 1);
      nodes.add(new Node("Part" + i, "Part " + i, null, t, frames.get(i % BLOBS).hash(),
          i % 3 == 0 ? List.of(paint, edge) : List.of(paint), true));
    }
    // From the registered sender to its chosen receiver, or anonymous to every receiver (as the CLI sends).
    ObjectNode publish = Json.object();
    if (r % 2 == 0) {
      publish.put("sender", p.sender()).putArray("targets").add(p.receiver());
    }
    publish.set("scene", SceneJson.write(new Scene(id, "warm-up " + r, "livelink", Units.MM, UpAxis.Z, nodes)));
    int version = Json.parseObject(c.call("POST", "/v1/scenes", Json.bytes(publish))).path("version").asInt();
    if (stop.getAsBoolean()) {
      return;
    }
    String at = "/v1/scenes/" + id;
    c.call("GET", at + "/delta?from=0", null);
    c.call("GET", at + "/delta?from=" + (version - 1), null);
    ObjectNode ack = Json.object().put("peer", p.receiver()).put("status", "ok").putNull("reason");
    ObjectNode timings = ack.putObject("timings").put("fetch_ms", 1.25).put("pickup_ms", 0.5)
        .put("build_ms", 3.75 + r).put("total_ms", 5.5 + r).put("objects", NODES);
    // Names the parser has not met, of each length its lookup treats apart (up to 4, 8, 12 bytes, longer), every
    // round: a real session brings new names (a peer's fields, hub.json's), and compiled code that never saw one
    // is thrown away at the first.
    timings.put("w" + r, 0).put("warm" + r, 0).put("warmround" + r, 0).put("warm-up-round-" + r, 0);
    c.call("POST", at + "/versions/" + version + "/acks", Json.bytes(ack));
    c.call("GET", at + "/versions/" + version + "/acks?wait=0", null);
  }

  private static MeshData grid(int seed) {
    int n = GRID + 1;
    float[] p = new float[3 * n * n];
    for (int i = 0; i < n * n; i++) {
      p[3 * i] = i / n;
      p[3 * i + 1] = i % n;
      p[3 * i + 2] = (float) Math.sin(seed + i * 0.7);
    }
    int[] t = new int[6 * GRID * GRID];
    for (int q = 0, j = 0; q < GRID * GRID; q++) {
      int a = (q / GRID) * n + q % GRID;
      t[j++] = a;
      t[j++] = a + 1;
      t[j++] = a + n + 1;
      t[j++] = a;
      t[j++] = a + n + 1;
      t[j++] = a + n;
    }
    return new MeshData(p, t, null, null);
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("livelink: could not delete " + dir + ": " + e.getMessage());
    }
  }

  /** HTTP/1.1 on one keep-alive connection, just enough for the hub's own answers (all with a Content-Length). */
  private static final class Client {
    private final OutputStream out;
    private final InputStream in;
    private final String head;

    Client(Socket s, int port, String token) throws IOException {
      this.out = s.getOutputStream();
      this.in = new BufferedInputStream(s.getInputStream());
      this.head = " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token + "\r\n";
    }

    /** Sends a request and reads its answer: its body, or an IOException for a status other than 2xx. */
    byte[] call(String method, String path, byte[] body) throws IOException {
      send(method, path, body);
      String status = line();
      long length = 0;
      for (String l; !(l = line()).isEmpty(); ) {
        if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Long.parseLong(l.substring(15).trim());
        }
      }
      byte[] answer = in.readNBytes((int) length);
      if (!status.startsWith("HTTP/1.1 2")) {
        throw new IOException(method + " " + path + " answered " + status);
      }
      return answer;
    }

    /** Sends a request without reading its answer (an event stream's). */
    void send(String method, String path, byte[] body) throws IOException {
      String h = method + " " + path + head + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
      out.write(h.getBytes(StandardCharsets.US_ASCII));
      if (body != null) {
        out.write(body);
      }
      out.flush();
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("the warm-up hub closed the connection");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }
  }
}
