package dev.livelink.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The hub under a hostile crowd, over real sockets on loopback only: connections that send half a request and stop,
 * event streams that are read and some that never are, peers that register and leave in a loop, and senders that
 * publish, each waiting until every well-behaved peer was told of its version before publishing the next. Some of
 * the well-behaved peers fetch each delta and its blobs and ack, as Blender does. At the end it checks that every
 * well-behaved peer was told of every version, and that every version the hub answered 201 for and still keeps has
 * all its blobs, byte for byte, also after the hub restarts.
 *
 * <p>Run by {@code LoadTest} (JUnit, a short run in every build) and by {@code bench/java}'s {@code HubLoad} (the
 * long run of docs/reliability.md). Plain Java and the SDK only, so the bench compiles it as it is.
 */
public final class LoadScenario {
  /** How big the crowd is and how long the senders publish. */
  public record Config(int halfOpen, int streams, int neverRead, int churners, int senders, int activeReceivers,
      int nodesPerScene, Duration publishing, Duration watchdog) {
    /** The crowd of docs/reliability.md, publishing for {@code publishing}. */
    public static Config standard(Duration publishing) {
      return new Config(1000, 200, 20, 50, 10, 10, 20, publishing, Duration.ofSeconds(120));
    }
  }

  /** The hub being loaded: where it listens, what it costs, and how to restart it. */
  public interface HubUnderTest {
    int port();

    String token();

    /** The hub's threads now (what counts as the hub's is for the implementation to say in {@link #describe}). */
    int threads();

    /** Bytes of memory the hub holds now (heap or resident set; see {@link #describe}). */
    long memory();

    /** What {@link #threads()} and {@link #memory()} measure. */
    String describe();

    /** Stops the hub and starts it again on the same home (port and token may change). */
    void restart() throws Exception;
  }

  /** What happened; {@link #toString()} is the report the bench prints. */
  public static final class Report {
    public long publishingMillis;
    public int versions;
    public int wellBehaved;
    public int wellBehavedMissing;
    public long versionEventsToWellBehaved;
    public int acks;
    public int ackRefusals;
    public int halfOpenOpened;
    public int halfOpenCut;
    public long lastHalfOpenCutMillis;
    public int neverReadDropped;
    public int churnCycles;
    public int churnRefused;
    public int peakThreads;
    public int threadsAtEnd;
    public long peakMemory;
    public long memoryAtEnd;
    public String measured;
    public long medianDeliveryMicros;
    public long p99DeliveryMicros;
    public int keptVersionsChecked;
    public int blobsChecked;
    public int blobsLost;
    public int blobsLostAfterRestart;

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, String.join("%n",
              "publishing: %.1f s, %d versions (%.1f/s); delivery to all %d well-behaved peers: median %.1f ms, "
                  + "p99 %.1f ms",
              "well-behaved peers missing a version: %d (version events delivered to them: %d)",
              "acks posted by active receivers: %d (refused: %d)",
              "half-open connections: %d opened, %d cut by the hub, the last %.1f s after the start",
              "never-read streams dropped by the hub: %d",
              "churn: %d register-stream-leave cycles (refused: %d)",
              "hub threads: peak %d, at the end %d; hub memory: peak %.0f MB, at the end %.0f MB (%s)",
              "kept versions checked: %d, blobs checked: %d, lost: %d, lost after a restart: %d"),
          publishingMillis / 1e3, versions, versions / Math.max(0.001, publishingMillis / 1e3), wellBehaved,
          medianDeliveryMicros / 1e3, p99DeliveryMicros / 1e3, wellBehavedMissing, versionEventsToWellBehaved, acks,
          ackRefusals, halfOpenOpened, halfOpenCut, lastHalfOpenCutMillis / 1e3, neverReadDropped, churnCycles,
          churnRefused, peakThreads, threadsAtEnd, peakMemory / 1e6, memoryAtEnd / 1e6, measured,
          keptVersionsChecked, blobsChecked, blobsLost, blobsLostAfterRestart);
    }
  }

  private final Config config;
  private final HubUnderTest hub;
  private final Report report = new Report();
  private final HttpClient http;
  private final ExecutorService httpExecutor = Executors.newFixedThreadPool(4, daemon("load-http"));
  private final AtomicBoolean stop = new AtomicBoolean();
  private final long start = System.nanoTime();
  /** Per published version (scene:version), how many well-behaved peers were told of it. */
  private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
  private final List<Published> published = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final List<Reader> readers = new ArrayList<>();
  private final AtomicInteger peakThreads = new AtomicInteger();
  private final AtomicLong peakMemory = new AtomicLong();
  private final AtomicInteger samples = new AtomicInteger();
  private static final int MEMORY_EVERY = 50;

  private record Published(String scene, int version, List<String> meshes, long atNanos) {}

  private static final class Delivery {
    final AtomicInteger told = new AtomicInteger();
    final CompletableFuture<Long> all = new CompletableFuture<>();
  }

  public LoadScenario(Config config, HubUnderTest hub) {
    this.config = config;
    this.hub = hub;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpExecutor)
        .connectTimeout(Duration.ofSeconds(30)).build();
  }

  public Report run() throws Exception {
    List<Socket> neverRead = new ArrayList<>();
    List<Thread> churners = new ArrayList<>();
    HalfOpen halfOpen = new HalfOpen(false);
    try {
      halfOpen.start();
      int wellBehaved = config.streams() - config.neverRead();
      CountDownLatch hellos = new CountDownLatch(wellBehaved);
      for (int i = 0; i < wellBehaved; i++) {
        Reader r = new Reader(i < config.activeReceivers(), hellos);
        readers.add(r);
        r.open();
      }
      await(hellos, "hello on every well-behaved stream");
      for (int i = 0; i < config.neverRead(); i++) {
        neverRead.add(unreadStream(register("Lazy", "lazy" + i + ".blend", "receiver")));
      }
      for (int i = 0; i < config.churners(); i++) {
        Thread t = new Thread(this::churn, "load-churner-" + i);
        t.setDaemon(true);
        t.start();
        churners.add(t);
      }
      sample();
      long t0 = System.nanoTime();
      long deadline = t0 + config.publishing().toNanos();
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      ExecutorService senderPool = Executors.newFixedThreadPool(config.senders(), daemon("load-sender"));
      for (int i = 0; i < config.senders(); i++) {
        int n = i;
        senders.add(CompletableFuture.runAsync(() -> send(n, deadline), senderPool));
      }
      for (CompletableFuture<Void> s : senders) {
        s.get(config.publishing().plus(config.watchdog()).toMillis(), TimeUnit.MILLISECONDS);
      }
      senderPool.shutdown();
      report.publishingMillis = (System.nanoTime() - t0) / 1_000_000;
      stop.set(true);
      for (Thread t : churners) {
        t.join(config.watchdog().toMillis());
      }
      for (Reader r : readers) {
        r.drainAcks();
      }
      sample();
      report.versions = published.size();
      report.wellBehaved = readers.size();
      Set<String> all = new HashSet<>();
      published.forEach(p -> all.add(p.scene() + ":" + p.version()));
      for (Reader r : readers) {
        report.versionEventsToWellBehaved += r.told.size();
        if (!r.told.containsAll(all)) {
          report.wellBehavedMissing++;
        }
        report.acks += r.acks.get();
        report.ackRefusals += r.ackRefusals.get();
      }
      List<String> listed = new ArrayList<>();
      for (JsonNode p : get("/v1/peers").path("peers")) {
        listed.add(p.path("app").asText());
      }
      report.neverReadDropped = config.neverRead() - (int) listed.stream().filter("Lazy"::equals).count();
      List<Long> latencies = new ArrayList<>();
      deliveries.values().forEach(d -> latencies.add(d.all.getNow(-1L)));
      Collections.sort(latencies);
      if (!latencies.isEmpty()) {
        report.medianDeliveryMicros = latencies.get(latencies.size() / 2) / 1000;
        report.p99DeliveryMicros = latencies.get(Math.min(latencies.size() - 1, latencies.size() * 99 / 100)) / 1000;
      }
      halfOpen.finish();
      report.threadsAtEnd = hub.threads();
      report.memoryAtEnd = hub.memory();
      report.peakThreads = Math.max(peakThreads.get(), report.threadsAtEnd);
      report.peakMemory = Math.max(peakMemory.get(), report.memoryAtEnd);
      report.measured = hub.describe();
      report.blobsLost = checkKept();
      for (Reader r : readers) {
        r.close();
      }
      hub.restart();
      report.blobsLostAfterRestart = checkKept();
      return report;
    } finally {
      stop.set(true);
      halfOpen.close();
      for (Socket s : neverRead) {
        s.close();
      }
      for (Reader r : readers) {
        r.close();
      }
      httpExecutor.shutdownNow();
    }
  }

  // ---- the crowd -------------------------------------------------------------------------------------------------

  /** Sender {@code n}: a scene of its own, one new mesh per version, until the deadline. */
  private void send(int n, long deadline) {
    LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
    String scene = "load-" + n;
    List<String> meshes = new ArrayList<>();
    for (int k = 0; k < config.nodesPerScene(); k++) {
      meshes.add(null);
    }
    int v = 0;
    while (System.nanoTime() < deadline) {
      MeshData m = mesh(n * 1_000_000 + v);
      Map<String, byte[]> b = LiveLinkClient.blobs(List.of(m));
      String h = b.keySet().iterator().next();
      blobs.put(h, b.get(h));
      c.upload(b, null);
      meshes.set(v % meshes.size(), h);
      List<Node> nodes = new ArrayList<>();
      for (int k = 0; k < meshes.size(); k++) {
        String mesh = meshes.get(k) != null ? meshes.get(k) : h;
        nodes.add(new Node("part" + k, "Part " + k, null, Transform.translation(k, v, 0), mesh,
            List.of(Material.of("grey", 0.5, 0.5, 0.5, 1)), true));
      }
      long at = System.nanoTime();
      JsonNode r = c.publish(new Scene(scene, scene, "load", Units.MM, UpAxis.Z, nodes), List.of(), null);
      int version = r.path("version").asInt();
      Set<String> used = new HashSet<>();
      nodes.forEach(x -> used.add(x.mesh()));
      published.add(new Published(scene, version, List.copyOf(used), at));
      Delivery d = delivery(scene + ":" + version);
      try {
        long took = d.all.get(config.watchdog().toMillis(), TimeUnit.MILLISECONDS);
        d.all.obtrudeValue(took - (at - start));
      } catch (Exception e) {
        throw new IllegalStateException(scene + " v" + version + " did not reach every well-behaved peer: "
            + d.told.get() + " of " + readers.size(), e);
      }
      if (n == 0) {
        sample();
      }
      v++;
    }
  }

  private Delivery delivery(String key) {
    return deliveries.computeIfAbsent(key, k -> new Delivery());
  }

  /** A well-behaved peer: reads its stream as it comes; an active one also fetches each delta and acks. */
  private final class Reader implements Flow.Subscriber<String> {
    final boolean active;
    final CountDownLatch hellos;
    final Set<String> told = ConcurrentHashMap.newKeySet();
    final AtomicInteger acks = new AtomicInteger();
    final AtomicInteger ackRefusals = new AtomicInteger();
    final ExecutorService work;
    final Map<String, Integer> applied = new HashMap<>();
    final Set<String> held = new HashSet<>();
    String id;
    Flow.Subscription subscription;
    String event;
    CompletableFuture<?> stream;

    Reader(boolean active, CountDownLatch hellos) {
      this.active = active;
      this.hellos = hellos;
      this.work = active ? Executors.newSingleThreadExecutor(daemon("load-active")) : null;
    }

    void open() throws Exception {
      id = register(active ? "Blender" : "Viewer", "doc" + readers.size() + ".blend", "receiver");
      stream = http.sendAsync(request("/v1/peers/" + id + "/events").GET().timeout(Duration.ofDays(1)).build(),
          HttpResponse.BodyHandlers.fromLineSubscriber(this));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && event != null) {
        on(event, Json.parseObject(line.substring(6).getBytes(StandardCharsets.UTF_8)));
        event = null;
      }
    }

    private void on(String name, JsonNode data) {
      if (name.equals("hello")) {
        hellos.countDown();
      } else if (name.equals("version")) {
        String scene = data.path("scene").asText();
        int version = data.path("version").asInt();
        if (told.add(scene + ":" + version)) {
          Delivery d = delivery(scene + ":" + version);
          if (d.told.incrementAndGet() == readers.size()) {
            d.all.complete(System.nanoTime() - start);
          }
        }
        if (active) {
          work.execute(() -> fetchAndAck(scene, version));
        }
      }
    }

    /** As the Blender add-on: the delta from what it holds, the blobs it lacks, then the ack. */
    private void fetchAndAck(String scene, int version) {
      try {
        int from = applied.getOrDefault(scene, 0);
        if (version <= from) {
          return;
        }
        JsonNode delta = get("/v1/scenes/" + scene + "/delta?from=" + from);
        List<String> need = new ArrayList<>();
        for (String list : List.of("added", "changed")) {
          for (JsonNode n : delta.path(list)) {
            JsonNode node = n.has("node") ? n.get("node") : n;
            String h = node.path("mesh").asText(null);
            if (h != null && !held.contains(h) && !need.contains(h)) {
              need.add(h);
            }
          }
        }
        if (!need.isEmpty()) {
          ObjectNode q = Json.object();
          ArrayNode a = q.putArray("hashes");
          need.forEach(a::add);
          HttpResponse<byte[]> r = http.send(request("/v1/blobs/fetch").POST(HttpRequest.BodyPublishers
              .ofByteArray(Json.bytes(q))).build(), HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("fetch " + r.statusCode() + ": " + new String(r.body()));
          }
          for (BlobBatch.Frame f : BlobBatch.reader(new ByteArrayInputStream(r.body()), 1L << 30).readAll()) {
            if (!Sha256.hex(f.data()).equals(f.hash())) {
              throw new IllegalStateException("blob " + f.hash() + " does not hash to its name");
            }
            held.add(f.hash());
          }
        }
        int to = delta.path("to").asInt();
        applied.put(scene, to);
        ObjectNode ack = Json.object().put("peer", id).put("status", "ok");
        ack.putObject("timings").put("objects", delta.path("added").size() + delta.path("changed").size());
        HttpResponse<byte[]> r = http.send(request("/v1/scenes/" + scene + "/versions/" + to + "/acks")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(ack))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 204) {
          acks.incrementAndGet();
        } else {
          ackRefusals.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        ackRefusals.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void drainAcks() throws Exception {
      if (work != null) {
        work.submit(() -> {}).get(config.watchdog().toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void onError(Throwable t) {
      // The stream ended (the hub stopped, or the run closed it).
    }

    @Override
    public void onComplete() {}

    void close() {
      if (subscription != null) {
        subscription.cancel();
      }
      if (work != null) {
        work.shutdownNow();
      }
    }
  }

  /** One churner: register, open the stream, take the first event after hello, leave; again until the end. */
  private void churn() {
    int n = 0;
    while (!stop.get()) {
      try {
        String id = register("Churn", "churn" + n + ".blend", "receiver");
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", hub.port()));
          s.setSoTimeout((int) config.watchdog().toMillis());
          s.getOutputStream().write(streamRequest(id));
          // hello, then the next frame: a version event or the heartbeat within a second
          readUntil(s.getInputStream(), "event: hello");
          readUntil(s.getInputStream(), "\n\n"); // the end of hello
          readUntil(s.getInputStream(), "\n\n"); // the next frame
          if (n % 2 == 0) {
            http.send(request("/v1/peers/" + id).DELETE().build(), HttpResponse.BodyHandlers.discarding());
          }
        }
        synchronized (report) {
          report.churnCycles++;
        }
      } catch (IllegalStateException e) {
        synchronized (report) {
          report.churnRefused++;
        }
      } catch (IOException e) {
        if (!stop.get()) {
          synchronized (report) {
            report.churnRefused++;
          }
        }
      } catch (InterruptedException e) {
        return;
      }
      n++;
    }
  }

  private static void readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int c; (c = in.read()) != -1; ) {
      seen.append((char) c);
      if (seen.indexOf(marker) >= 0) {
        return;
      }
    }
    throw new IOException("stream ended before \"" + marker.trim() + "\"");
  }

  /** Connections that send half a request line and headers and then nothing, on one selector thread. */
  private final class HalfOpen implements AutoCloseable {
    private final boolean reopen;
    private final Selector selector;
    private final Thread thread;
    private final byte[] half = "GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriza".getBytes(StandardCharsets.US_ASCII);
    private int open;

    HalfOpen(boolean reopen) throws IOException {
      this.reopen = reopen;
      selector = Selector.open();
      thread = new Thread(this::loop, "load-half-open");
      thread.setDaemon(true);
    }

    void start() throws IOException {
      for (int i = 0; i < config.halfOpen(); i++) {
        openOne();
      }
      thread.start();
    }

    private void openOne() throws IOException {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", hub.port()));
      ch.write(ByteBuffer.wrap(half));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      report.halfOpenOpened++;
      open++;
    }

    private void loop() {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      try {
        while (!Thread.currentThread().isInterrupted() && (open > 0 || reopen)) {
          selector.select(1000);
          for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            SocketChannel ch = (SocketChannel) k.channel();
            int n;
            try {
              buf.clear();
              n = ch.read(buf);
            } catch (IOException e) {
              n = -1;
            }
            if (n < 0) {
              k.cancel();
              ch.close();
              open--;
              report.halfOpenCut++;
              report.lastHalfOpenCutMillis = (System.nanoTime() - start) / 1_000_000;
              if (reopen && !stop.get()) {
                openOne();
              }
            }
          }
        }
      } catch (IOException e) {
        // The run is over.
      }
    }

    /** Waits (a watchdog) until the hub has cut every one, when they are not reopened. */
    void finish() throws InterruptedException {
      if (!reopen) {
        thread.join(config.watchdog().toMillis());
      }
    }

    @Override
    public void close() throws IOException {
      thread.interrupt();
      selector.wakeup();
      try {
        thread.join(config.watchdog().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    }
  }

  private Socket unreadStream(String peer) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", hub.port()));
    s.getOutputStream().write(streamRequest(peer));
    return s;
  }

  private byte[] streamRequest(String peer) {
    return ("GET /v1/peers/" + peer + "/events HTTP/1.1\r\nHost: 127.0.0.1:" + hub.port()
        + "\r\nAuthorization: Bearer " + hub.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A flood that does not let up: {@code connections} half-sent requests, each opened again as soon as the hub cuts
   * it, while one client asks {@code GET /v1/hub} {@code requests} times in a row.
   *
   * @return how long each of those requests took, in milliseconds, then the hub's threads, then the cuts seen
   */
  public long[] underFlood(int requests) throws Exception {
    HalfOpen flood = new HalfOpen(true);
    try {
      flood.start();
      long[] out = new long[requests + 2];
      for (int i = 0; i < requests; i++) {
        long t = System.nanoTime();
        get("/v1/hub");
        out[i] = (System.nanoTime() - t) / 1_000_000;
      }
      out[requests] = hub.threads();
      out[requests + 1] = report.halfOpenCut;
      return out;
    } finally {
      stop.set(true);
      flood.close();
    }
  }

  // ---- checks ----------------------------------------------------------------------------------------------------

  /** Every version still kept (the last 20 of its scene): each blob there and hashing to its name. */
  private int checkKept() throws Exception {
    Map<String, Integer> latest = new HashMap<>();
    for (JsonNode s : get("/v1/scenes").path("scenes")) {
      latest.put(s.path("id").asText(), s.path("version").asInt());
    }
    Set<String> needed = new HashSet<>();
    int kept = 0;
    synchronized (published) {
      for (Published p : published) {
        Integer l = latest.get(p.scene());
        if (l == null) {
          throw new IllegalStateException("scene " + p.scene() + " is gone");
        }
        if (p.version() > l - 20) {
          kept++;
          needed.addAll(p.meshes());
        }
      }
    }
    report.keptVersionsChecked = kept;
    report.blobsChecked = needed.size();
    int lost = 0;
    for (String h : needed) {
      HttpResponse<byte[]> r = http.send(request("/v1/blobs/" + h).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || !Sha256.hex(r.body()).equals(h) || !java.util.Arrays.equals(r.body(),
          blobs.get(h))) {
        lost++;
      }
    }
    return lost;
  }

  /** Samples the hub's threads; its memory only every {@value #MEMORY_EVERY}th time (a full collection each). */
  private void sample() {
    peakThreads.accumulateAndGet(hub.threads(), Math::max);
    if (samples.getAndIncrement() % MEMORY_EVERY == 0) {
      peakMemory.accumulateAndGet(hub.memory(), Math::max);
    }
  }

  // ---- plumbing --------------------------------------------------------------------------------------------------

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
        .header("Authorization", "Bearer " + hub.token()).timeout(config.watchdog());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + new String(r.body()));
    }
    return Json.parseObject(r.body());
  }

  /** Registers a peer; IllegalStateException when the hub refuses. */
  private String register(String app, String document, String role) throws IOException, InterruptedException {
    ObjectNode o = Json.object().put("app", app).put("appVersion", "1").put("pid", 1).put("document", document)
        .put("role", role);
    HttpResponse<byte[]> r = http.send(request("/v1/peers").POST(HttpRequest.BodyPublishers.ofByteArray(
        Json.bytes(o))).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("register " + r.statusCode() + ": " + new String(r.body()));
    }
    return Json.parseObject(r.body()).path("id").asText();
  }

  private void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(config.watchdog().toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("no " + what + " within the watchdog (" + latch.getCount() + " missing)");
    }
  }

  static MeshData mesh(int seed) {
    float s = 1 + (seed % 1000) / 100f;
    float z = seed / 1000f;
    return new MeshData(new float[] {0, 0, z, s, 0, z, s, s, z, 0, s, z}, new int[] {0, 1, 2, 0, 2, 3}, null, null);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Threads of this JVM whose names say they are the hub's (for a hub run in-process). */
  public static IntSupplier hubThreadsInThisJvm() {
    return () -> {
      ThreadGroup root = Thread.currentThread().getThreadGroup();
      while (root.getParent() != null) {
        root = root.getParent();
      }
      Thread[] all = new Thread[root.activeCount() * 2 + 16];
      int n = root.enumerate(all, true);
      int hub = 0;
      for (int i = 0; i < n; i++) {
        String name = all[i].getName();
        if (name.startsWith("livelink-") || name.equals("HTTP-Dispatcher") || name.equals("idle-timeout-task")
            || name.equals("req-rsp-timeout-task")) {
          hub++;
        }
      }
      return hub;
    };
  }

  /** Heap in use in this JVM (the hub's and the crowd's together: an upper bound for an in-process hub). */
  public static LongSupplier heapInThisJvm() {
    return () -> java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A blob as the senders make them, for a caller that wants to know the sizes. */
  static byte[] blob(int seed) {
    return MeshBlob.encode(mesh(seed));
  }
}
