package dev.livelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The long soak of hubs through NATS: N real hub processes ({@code java -jar livelink.jar hub}, each with its own
 * home and hub.conf.json) in one space of a real nats-server, each with one receiver and one sender (in this JVM,
 * through the SDK). A warm-up first: W versions from each hub, round by round, each round's acks awaited, which
 * fills what a hub keeps by design (the last 20 versions of each scene, its ack board's last 1,000 versions). Then
 * for M minutes the hubs send in turn, each every S seconds, a one-part edit of a 10-part document; every receiver
 * fetches the delta and blobs of every version and acks it. Every minute each hub's live heap is sampled
 * ({@code jcmd GC.class_histogram}: a full GC, then the bytes of what is live) with its RSS. At the end: versions
 * sent, acks expected and come back, versions each receiver took, and the memory samples.
 *
 * <p>Usage: FederationSoak [hubs=20] [minutes=10] [seconds between one hub's sends=20] [warm-up versions per hub=50]
 * [directory, default temp]
 */
public final class FederationSoak {
  private static final int PARTS = 10;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int every = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warm = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    Path dir = args.length > 4 ? Files.createTempDirectory(Path.of(args[4]), "livelink-soak-")
        : Files.createTempDirectory("livelink-soak-");
    Path jar = Path.of("hub/target/livelink.jar").toAbsolutePath();
    if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: run ./livelink --version first");
    List<HubProcess> hubs = new ArrayList<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (NatsProcess nats = new NatsProcess(dir.resolve("nats"))) {
      for (int i = 0; i < n; i++) {
        hubs.add(new HubProcess(jar, dir.resolve("hub" + i), nats.url, i));
      }
      for (HubProcess h : hubs) h.awaitReady();
      for (HubProcess h : hubs) h.join();
      for (HubProcess h : hubs) h.awaitReceivers(n);
      System.out.printf("%d hubs in space \"soak\" of %s, each with a receiver and a sender; a version every %.2f s "
          + "for %d min%n", n, nats.url, (double) every / n, minutes);
      AtomicInteger turn = new AtomicInteger();
      long t0 = System.nanoTime();
      for (int r = 0; r < warm; r++) {
        for (HubProcess h : hubs) h.send(turn.getAndIncrement(), n);
        for (HubProcess h : hubs) h.client.awaitAcks("Doc", h.published.get(h.published.size() - 1), 120_000);
      }
      System.out.printf("warm-up: %d versions from each hub in %.0f s%n", warm, (System.nanoTime() - t0) / 1e9);
      System.out.println("min  versions  acks back/expected  live heap MB (median / max)  RSS MB (median / max)");
      sample(hubs, 0, n);

      long period = every * 1000L / n;
      var sending = timer.scheduleAtFixedRate(() -> {
        int t = turn.getAndIncrement();
        try {
          hubs.get(t % n).send(t, n);
        } catch (RuntimeException e) {
          System.out.println("send " + t + " failed: " + e.getMessage());
        }
      }, 0, period, TimeUnit.MILLISECONDS);
      for (int m = 1; m <= minutes; m++) {
        TimeUnit.MINUTES.sleep(1); // the soak's clock: one memory sample a minute
        sample(hubs, m, n);
      }
      sending.cancel(false);
      timer.shutdown();
      timer.awaitTermination(1, TimeUnit.MINUTES);

      // The last acks: each hub's ack board waits for its last version's (it keeps the last 20), then all are counted.
      for (HubProcess h : hubs) {
        if (!h.published.isEmpty()) h.client.awaitAcks("Doc", h.published.get(h.published.size() - 1), 120_000);
      }
      long expected = 0;
      long back = 0;
      List<String> missing = new ArrayList<>();
      for (HubProcess h : hubs) {
        for (int v : h.published) {
          expected += n;
          int got = h.acksOf(v);
          back += got;
          if (got < n && missing.size() < 10) missing.add(h.host + " v" + v + ": " + got + "/" + n + " acks");
        }
      }
      int sent = hubs.stream().mapToInt(h -> h.published.size()).sum();
      long taken = 0;
      for (HubProcess r : hubs) {
        for (HubProcess s : hubs) {
          Set<Integer> got = r.taken.get(s == r ? "Doc" : s.hubId + ":Doc");
          taken += got == null ? 0 : got.size();
        }
      }
      System.out.printf("%d versions sent; %d/%d acks came back to their senders; receivers took %d/%d versions%n",
          sent, back, expected, taken, (long) sent * n);
      missing.forEach(s -> System.out.println("  missing: " + s));
      sample(hubs, minutes, n);
      for (HubProcess h : hubs) {
        System.out.printf("  %s: live heap %s MB, RSS %s MB%n", h.host, h.heapSamples, h.rssSamples);
      }
    } finally {
      timer.shutdownNow();
      for (HubProcess h : hubs) h.process.destroy();
      for (HubProcess h : hubs) h.process.waitFor();
      HubBench.deleteTree(dir);
    }
  }

  /** One line: minute, versions sent, acks back, live heap and RSS across the hubs. */
  static void sample(List<HubProcess> hubs, int minute, int n) throws IOException, InterruptedException {
    List<Double> heap = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    int sent = 0;
    long back = 0;
    for (HubProcess h : hubs) {
      double live = h.liveHeapMb();
      double r = h.rssMb();
      h.heapSamples.add(Math.round(live * 10) / 10.0);
      h.rssSamples.add(Math.round(r));
      heap.add(live);
      rss.add(r);
      sent += h.published.size();
      for (int v : h.published) back += h.acksOf(v);
    }
    double[] hp = heap.stream().mapToDouble(Double::doubleValue).toArray();
    double[] rp = rss.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.printf("%3d  %8d  %8d/%-8d  %10.1f / %-10.1f  %8.0f / %-8.0f%n", minute, sent, back, (long) sent * n,
        Stats.median(hp), java.util.Arrays.stream(hp).max().orElse(0), Stats.median(rp),
        java.util.Arrays.stream(rp).max().orElse(0));
  }

  /** One hub process, its receiver (fetches and acks every version) and its sender (counts the acks). */
  static final class HubProcess {
    final Process process;
    final Path home;
    final String host;
    final int index;
    LiveLinkClient client;
    String hubId;
    String receiver;
    String sender;
    final List<Integer> published = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<Integer, Set<String>> acks = new ConcurrentHashMap<>();
    final Map<String, Set<Integer>> taken = new ConcurrentHashMap<>();
    final List<Double> heapSamples = new ArrayList<>();
    final List<Long> rssSamples = new ArrayList<>();
    private final List<String> base = new ArrayList<>();

    HubProcess(Path jar, Path home, String url, int index) throws IOException {
      this.home = home;
      this.index = index;
      this.host = "soak-" + index;
      Files.createDirectories(home);
      Files.write(home.resolve("hub.conf.json"), Json.bytes(Json.object().put("nats", url).put("space", "soak")
          .put("host", host)));
      process = Children.start(new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toString(), "hub",
          "--home", home.toString(), "--port", "0").redirectErrorStream(true)
          .redirectOutput(home.resolve("hub.log").toFile()));
    }

    void awaitReady() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      RuntimeFile rf = BenchHub.awaitListening(process, home, host, deadline);
      client = new LiveLinkClient(rf.port(), rf.token());
      hubId = BenchHub.awaitFederation(client, host, deadline).path("hub").asText();
    }

    /** Registers the receiver and the sender and starts reading their streams. */
    void join() {
      receiver = client.register("Blender", "4.3", host + ".blend", "receiver", List.of());
      sender = client.register("FreeCAD", "1.0", "Doc", "sender", List.of());
      Map<String, Integer> held = new HashMap<>();
      daemon(() -> client.events(receiver, (name, data) -> {
        if (!name.equals("version")) return;
        String scene = data.path("scene").asText();
        int version = data.path("version").asInt();
        JsonNode d = client.delta(scene, held.getOrDefault(scene, 0));
        List<String> meshes = new ArrayList<>();
        d.path("added").forEach(x -> meshes.add(x.path("mesh").asText()));
        d.path("changed").forEach(x -> meshes.add(x.path("node").path("mesh").asText()));
        client.fetchBlobs(meshes);
        held.put(scene, d.path("to").asInt());
        taken.computeIfAbsent(scene, k -> ConcurrentHashMap.newKeySet()).add(version);
        client.ack(scene, version, receiver, true, "", Json.object().put("total_ms", 1.0));
      }), host + "-receiver");
      daemon(() -> client.events(sender, (name, data) -> {
        if (name.equals("ack") && data.path("status").asText().equals("ok")) {
          acks.computeIfAbsent(data.path("version").asInt(), k -> ConcurrentHashMap.newKeySet())
              .add(data.path("peer").asText());
        }
      }), host + "-sender");
      List<MeshData> meshes = new ArrayList<>();
      for (int p = 0; p < PARTS; p++) meshes.add(box(1000 * (index + 1) + p));
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      client.upload(blobs, null);
      base.addAll(blobs.keySet());
    }

    void awaitReceivers(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (receivers() < n) {
        if (System.nanoTime() > deadline) throw new IllegalStateException(host + " lists " + receivers() + "/" + n);
        Thread.sleep(100); // other hubs' peers arrive through the KV bucket; polled, bounded
      }
    }

    private int receivers() {
      int r = 0;
      for (JsonNode p : client.peers()) if (p.path("role").asText().equals("receiver")) r++;
      return r;
    }

    /** A one-part edit of the document: part {@code t % PARTS} gets a new mesh. */
    void send(int t, int n) {
      Map<String, byte[]> one = LiveLinkClient.blobs(List.of(box(7_000_000 + t)));
      String h = one.keySet().iterator().next();
      client.upload(one, null);
      List<Node> nodes = new ArrayList<>();
      for (int p = 0; p < PARTS; p++) {
        nodes.add(new Node("part" + p, "Part " + p, null, Transform.IDENTITY, p == t % PARTS ? h : base.get(p),
            List.of(Material.of("m", 0.8, 0.2, 0.1, 1)), true));
      }
      JsonNode r = client.publish(new Scene("Doc", "Doc", "soak", Units.MM, UpAxis.Z, nodes), List.of(), sender);
      if (r.path("targets").size() != n) {
        System.out.println(host + ": version " + r.path("version") + " went to " + r.path("targets").size() + "/" + n);
      }
      published.add(r.path("version").asInt());
    }

    int acksOf(int version) {
      Set<String> s = acks.get(version);
      return s == null ? 0 : s.size();
    }

    /** MB live after a full GC: the "Total" line of jcmd's class histogram, which runs one first. */
    double liveHeapMb() throws IOException, InterruptedException {
      Process p = new ProcessBuilder("jcmd", String.valueOf(process.pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String total = null;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("Total")) total = line;
        }
      }
      p.waitFor();
      if (total == null) return Double.NaN;
      String[] f = total.trim().split("\\s+");
      return Long.parseLong(f[2]) / 1e6;
    }

    double rssMb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e3;
      }
      return Double.NaN;
    }
  }

  /** A box whose size is {@code seed} / 100 mm: a new blob for each seed. */
  static MeshData box(int seed) {
    float s = seed / 100f;
    return new MeshData(new float[] {0, 0, 0, s, 0, 0, s, s, 0, 0, s, 0, 0, 0, s, s, 0, s, s, s, s, 0, s, s},
        new int[] {0, 1, 2, 0, 2, 3, 4, 6, 5, 4, 7, 6, 0, 5, 1, 0, 4, 5, 1, 6, 2, 1, 5, 6, 2, 7, 3, 2, 6, 7, 3, 4, 0,
            3, 7, 4}, null, null);
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(() -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        // The stream ended with its hub.
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private FederationSoak() {}
}
