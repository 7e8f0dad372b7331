package dev.livelink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hub A → NATS → hub B → receiver, over loopback with a real nats-server: the latency a one-part edit of the
 * 410-node scene adds over the local path (receiver on hub A), and the throughput of the scene's first send
 * (410 new blobs) across, and of a first send of one part over NATS's message limit (one blob, a pack in chunks).
 * A "receiver" gets the version event, fetches the delta and the blobs it lacks.
 * Usage: FederationBench [edits=15] [first sends=5] [directory for the hubs and NATS, default the temp dir];
 * {@code -Dwarm=N} first sends before the timed ones (default 5; 30 leave the JIT little to compile), environment
 * {@code THREADS=1} prints the CPU of each thread of the JVM during the first sends (the JIT's and the GC's too),
 * {@code -Dalone=true} times the first sends with no receiver on A (the issue's path alone), {@code -Dfetch=jdk|url|sdk}
 * picks the receivers' HTTP client for blobs, {@code -Dprocesses=true} runs each hub in a process of its own as the
 * launcher starts it (the bench's JVM then holds only the clients; by default the hubs share it), and
 * {@code -Dwarm.apart=N} first sends through another pair of hubs, in a space of their own, closed before the timed
 * pair starts: the JIT has compiled the path, and the timed hubs' heaps hold no more than their own sends (see
 * {@link WarmApart}).
 */
public final class FederationBench {
  /** First sends before the timed ones: the JIT compiles the path meanwhile, as in a hub that has run a while. */
  static final int WARM = Integer.getInteger("warm", 5);
  /** The large part's grid: 450 × 450 quads, 7.3 MB, over NATS's 1 MB message limit. */
  static final int BIG_GRID = 450;

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int firsts = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    // A third argument puts the hubs' homes and NATS's store there (/dev/shm: the cost without the disk's fsyncs).
    Path dir = args.length > 2 ? Files.createTempDirectory(Path.of(args[2]), "livelink-fedbench-")
        : Files.createTempDirectory("livelink-fedbench-");
    NatsProcess nats = new NatsProcess(dir.resolve("nats"));
    String url = nats.url;
    boolean processes = Boolean.getBoolean("processes");
    Path jar = Path.of(System.getProperty("livelink.jar", "hub/target/livelink.jar")).toAbsolutePath();
    int apart = Integer.getInteger("warm.apart", 0);
    if (apart > 0) {
      WarmApart.run(apart, dir.resolve("warm"), url);
    }
    try (BenchHub a = processes ? BenchHub.process(jar, dir.resolve("a"), url, "bench-a")
            : BenchHub.inProcess(dir.resolve("a"), url, "bench-a");
        BenchHub b = processes ? BenchHub.process(jar, dir.resolve("b"), url, "bench-b")
            : BenchHub.inProcess(dir.resolve("b"), url, "bench-b")) {
      LiveLinkClient ca = new LiveLinkClient(a.port(), a.token());
      LiveLinkClient cb = new LiveLinkClient(b.port(), b.token());
      String sender = ca.register("FreeCAD", "1.0", "Bench", "sender", List.of());
      Thread senderStream = new Thread(() -> ca.events(sender, (name, data) -> {})); // as FreeCAD keeps it open:
      senderStream.setDaemon(true); // a peer without one is dropped after 30 s
      senderStream.start();
      // -Dalone=true: no receiver on A during the first sends, as on two machines, where A's own receiver does not
      // share B's cores; the path timed is the issue's, hub A -> NATS -> hub B -> receiver.
      boolean alone = Boolean.getBoolean("alone");
      Receiver remoteRx = new Receiver(b, cb, "remote.blend");
      Receiver localRx = alone ? null : new Receiver(a, new LiveLinkClient(a.port(), a.token()), "local.blend");
      while (ca.peers().size() < (alone ? 2 : 3)) Thread.sleep(20); // B's receiver announced to A
      // First sends: 410 new blobs across, each time a new document with new blobs; the first two warm up.
      double[] localFirst = new double[firsts];
      double[] hubFirst = new double[firsts];
      double[] remoteFirst = new double[firsts];
      double[] crossing = new double[firsts];
      double[] rxDelta = new double[firsts];
      double[] rxFetch = new double[firsts];
      double[] jvmCpu = new double[firsts];
      double[] natsCpu = new double[firsts];
      double[] hubsCpu = new double[firsts]; // hub processes (-Dprocesses=true)
      double[] allocated = new double[firsts];
      double[][] pub = new double[4][firsts]; // the publish: as the client saw it, the hub's whole time, read, store
      // (the receiver on A has a client of its own, so the sender's Server-Timing is the publish's)
      boolean perThread = System.getenv("THREADS") != null;
      Map<String, Long> byThread = new java.util.TreeMap<>();
      long bytes = 0;
      List<String> hashes = null;
      for (int k = -WARM; k < firsts; k++) {
        Map<String, byte[]> blobs = HubBench.documentBlobs(7_000_000 + k * 1000);
        bytes = 0;
        for (byte[] x : blobs.values()) bytes += x.length;
        hashes = new ArrayList<>(blobs.keySet());
        // A first send is a rare event: the one before it, and its background work (each hub splits the pack it
        // stored into blob files, 410 file creations), is over.
        a.awaitSplit();
        b.awaitSplit();
        String doc = "First" + (k + WARM) + "x";
        long cpu0 = jvmCpuNanos();
        long alloc0 = allocatedBytes();
        Map<String, Long> threads0 = perThread ? threadCpu() : Map.of();
        long nats0 = cpuNanos(nats.pid());
        long hubs0 = hubsCpuNanos(a, b);
        ca.upload(blobs, null);
        // The blobs are on hub A: the crossing may start (a federated hub puts them ahead of their version), and the
        // sender publishes at once, as the connectors do.
        long t = System.nanoTime();
        ca.publish(scene(doc, hashes), List.of(), sender);
        long answered = System.nanoTime(); // A stored it and queued it for NATS: the crossing starts
        double l = alone ? 0 : (localRx.await(doc).done() - t) / 1e6;
        Receiver.Got got = remoteRx.await(":" + doc);
        if (k >= 0) {
          jvmCpu[k] = (jvmCpuNanos() - cpu0) / 1e6;
          allocated[k] = (allocatedBytes() - alloc0) / 1e6;
          if (perThread) {
            threadCpu().forEach((n, v) -> byThread.merge(n, v - threads0.getOrDefault(n, 0L), Long::sum));
          }
          natsCpu[k] = (cpuNanos(nats.pid()) - nats0) / 1e6;
          hubsCpu[k] = (hubsCpuNanos(a, b) - hubs0) / 1e6;
          crossing[k] = (got.event() - answered) / 1e6;
          pub[0][k] = (answered - t) / 1e6;
          pub[1][k] = ca.lastServerMillis();
          pub[2][k] = ca.lastServerMillis("read");
          pub[3][k] = ca.lastServerMillis("store");
          localFirst[k] = l;
          hubFirst[k] = (got.event() - t) / 1e6;
          remoteFirst[k] = (got.done() - t) / 1e6;
          rxDelta[k] = (got.delta() - got.event()) / 1e6;
          rxFetch[k] = (got.done() - got.delta()) / 1e6;
        }
      }

      if (alone) {
        localRx = new Receiver(a, new LiveLinkClient(a.port(), a.token()), "local.blend");
        while (ca.peers().size() < 3) Thread.sleep(20);
      }
      // First sends of one large part (a casting): one blob over NATS's message limit, a pack of several chunks.
      double[] bigHub = new double[firsts];
      double[] bigRemote = new double[firsts];
      long bigBytes = 0;
      long fetched0 = cb.status().path("federation").path("packsFetched").asLong();
      long in0 = cb.status().path("federation").path("bytesIn").asLong(); // 0 from a hub that does not count it
      for (int k = -2; k < firsts; k++) {
        Map<String, byte[]> big = LiveLinkClient.blobs(List.of(HubBench.grid(8_000_000 + k, BIG_GRID)));
        bigBytes = big.values().iterator().next().length;
        a.awaitSplit();
        b.awaitSplit();
        String doc = "Casting" + (k + 2) + "x";
        ca.upload(big, null);
        long t = System.nanoTime();
        ca.publish(scene(doc, new ArrayList<>(big.keySet())), List.of(), sender);
        localRx.await(doc);
        Receiver.Got got = remoteRx.await(":" + doc);
        if (k >= 0) {
          bigHub[k] = (got.event() - t) / 1e6;
          bigRemote[k] = (got.done() - t) / 1e6;
        }
      }
      long bigFetched = cb.status().path("federation").path("packsFetched").asLong() - fetched0;
      double bigIn = (cb.status().path("federation").path("bytesIn").asLong() - in0) / 1e6 / (firsts + 2);

      // One-part edits of the last document: the time from upload + publish on A to each receiver holding the
      // delta and the blob.
      String doc = "Bench" + (firsts + 1);
      double[] localEdit = new double[runs];
      double[] remoteEdit = new double[runs];
      double[] extra = new double[runs];
      double[] editCrossing = new double[runs];
      for (int i = 0; i < runs + 3; i++) {
        Map<String, byte[]> one = LiveLinkClient.blobs(List.of(HubBench.grid(9_000_000 + i)));
        hashes.set(0, one.keySet().iterator().next());
        long s = System.nanoTime();
        ca.upload(one, null);
        ca.publish(scene(doc, hashes), List.of(), sender);
        long answered = System.nanoTime();
        double l = (localRx.await(doc).done() - s) / 1e6;
        Receiver.Got got = remoteRx.await(":" + doc);
        double r = (got.done() - s) / 1e6;
        if (i >= 3) {
          extra[i - 3] = r - l;
          editCrossing[i - 3] = (got.event() - answered) / 1e6;
          localEdit[i - 3] = l;
          remoteEdit[i - 3] = r;
        }
      }
      JsonNode fa = ca.status().path("federation");
      double mb = bytes / 1e6;
      System.out.printf("410-node scene, %d blobs, %.2f MB; medians of %d first sends and %d timed edits%n",
          hashes.size(), mb, firsts, runs);
      System.out.printf("first send, on hub A -> receiver on A holds it (local) %8.1f ms%s%n", Stats.median(localFirst),
          alone ? " (none: -Dalone=true)" : "");
      System.out.printf("first send, on hub A -> hub B holds it (via NATS) %8.1f ms  = %.1f MB/s of blobs%n",
          Stats.median(hubFirst), mb / (Stats.median(hubFirst) / 1000));
      System.out.printf("first send, on hub A -> receiver on B holds it %8.1f ms  = %.1f MB/s of blobs%n",
          Stats.median(remoteFirst), mb / (Stats.median(remoteFirst) / 1000));
      System.out.printf("first send, B's receiver from the version's event: delta %.1f ms, then its blobs %.1f ms%n",
          Stats.median(rxDelta), Stats.median(rxFetch));
      System.out.printf("first send, A's answer to the publish %.1f ms: hub A's own time %.1f ms, of which reading the "
          + "scene %.1f ms, storing it %.1f ms%n", Stats.median(pub[0]), Stats.median(pub[1]), Stats.median(pub[2]),
          Stats.median(pub[3]));
      System.out.printf("first send, the crossing alone (A answered the publish -> B told its receiver) %8.1f ms"
          + "  = %.1f MB/s%n", Stats.median(crossing), mb / (Stats.median(crossing) / 1000));
      double bmb = bigBytes / 1e6;
      System.out.printf("first send of one %.2f MB part, on hub A -> hub B holds it %8.1f ms  = %.1f MB/s; -> receiver "
          + "on B holds it %8.1f ms  = %.1f MB/s; packs B fetched for them: %d of %d; B took %.2f MB over NATS for "
          + "each%n", bmb, Stats.median(bigHub), bmb / (Stats.median(bigHub) / 1000), Stats.median(bigRemote),
          bmb / (Stats.median(bigRemote) / 1000), bigFetched, firsts + 2, bigIn);
      double jc = java.util.Arrays.stream(jvmCpu).average().orElse(0);
      double nc = java.util.Arrays.stream(natsCpu).average().orElse(0);
      double hc = java.util.Arrays.stream(hubsCpu).average().orElse(0);
      System.out.printf("first send, CPU from the upload until B's receiver holds it (mean): %s %.0f ms + hub "
          + "processes %.0f ms + nats-server %.0f ms = %.0f ms, on %d cores%n", processes ? "receivers and client"
          : "hubs, receivers and client (one JVM)", jc, hc, nc, jc + hc + nc,
          Runtime.getRuntime().availableProcessors());
      System.out.printf("first send, bytes allocated in the JVM (hubs, receivers and client) from the upload until B's "
          + "receiver holds it (median): %.1f MB%n", Stats.median(allocated));
      if (perThread) {
        byThread.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(25)
            .forEach(e -> System.out.printf("   %-40s %6.1f ms%n", e.getKey(), e.getValue() / 1e6 / firsts));
      }
      byte[] all = new byte[(int) bytes];
      double[] floor = NatsFloor.putGet(url, all, (1 << 20) - (16 << 10), firsts); // a hub's packs
      System.out.printf("floor: nats-server's Object Store alone, the same %.2f MB in 1 MB packs put at once, then "
          + "got at once: put %.1f ms + get %.1f ms = %.1f MB/s%n", mb, floor[0], floor[1],
          mb / ((floor[0] + floor[1]) / 1000));
      if (runs > 0) { // "FederationBench 0 5": first sends only
        System.out.printf("one-part edit, local                         %8.2f ms%n", Stats.median(localEdit));
        System.out.printf("one-part edit, via NATS                      %8.2f ms  (+%.2f ms)%n",
            Stats.median(remoteEdit), Stats.median(remoteEdit) - Stats.median(localEdit));
        System.out.printf("one-part edit, added per edit (median of via NATS - local, edit by edit) +%.2f ms; the "
            + "crossing alone (A answered the publish -> B told its receiver) %.2f ms%n", Stats.median(extra),
            Stats.median(editCrossing));
      }
      System.out.printf("A put %d blobs in %d packs to the object store%n", fa.path("blobsUploaded").asLong(),
          fa.path("packsUploaded").asLong());
      System.out.printf("an fsync of a small file and its directory here: %.2f ms (median of 21); hub B makes two "
          + "per edit, for its blob and its version (since 2026-11-30 after telling its receivers)%n", fsyncMillis(dir));
    } finally {
      nats.close();
      HubBench.deleteTree(dir);
    }
  }

  /** CPU time of each thread of this JVM by name (numbers dropped), summed; the JIT's and GC's too (/proc). */
  static Map<String, Long> threadCpu() throws java.io.IOException {
    Map<String, Long> out = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
          out.merge(name, cpuNanos(t.resolve("stat")), Long::sum);
        } catch (java.io.IOException e) {
          // Ended meanwhile.
        }
      }
    }
    return out;
  }

  /** Bytes allocated so far by the JVM's live threads (a pool's threads live on; a thread that ended is not counted). */
  static long allocatedBytes() {
    com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    long sum = 0;
    for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
      sum += Math.max(0, b);
    }
    return sum;
  }

  /** CPU time of the hubs that run in processes of their own. */
  static long hubsCpuNanos(BenchHub... hubs) throws java.io.IOException {
    long sum = 0;
    for (BenchHub h : hubs) {
      if (h.pid() > 0) sum += cpuNanos(h.pid());
    }
    return sum;
  }

  /** CPU time of this JVM, all threads. */
  static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time of process {@code pid} (user + system, from /proc), in nanoseconds. */
  static long cpuNanos(long pid) throws java.io.IOException {
    return cpuNanos(Path.of("/proc/" + pid + "/stat"));
  }

  static long cpuNanos(Path statFile) throws java.io.IOException {
    String stat = Files.readString(statFile);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // clock ticks of 10 ms
  }

  /** What the disk under {@code dir} takes to make a small new file durable, as the store does. */
  static double fsyncMillis(Path dir) throws java.io.IOException {
    double[] t = new double[21];
    for (int i = 0; i < t.length; i++) {
      Path f = dir.resolve("fsync-" + i);
      long s = System.nanoTime();
      try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[4096]));
        ch.force(true);
      }
      try (var ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
        ch.force(true);
      }
      t[i] = (System.nanoTime() - s) / 1e6;
      Files.delete(f);
    }
    return Stats.median(t);
  }

  static Scene scene(String id, List<String> hashes) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < hashes.size(); i++) {
      nodes.add(new Node("n" + i, "Part " + i, null, Transform.IDENTITY, hashes.get(i),
          List.of(Material.of("m", 0.8, 0.2, 0.1, 1)), true));
    }
    return new Scene(id, id, "bench", Units.MM, UpAxis.Z, nodes);
  }

  /** A receiver: on each version event, fetches the delta and the blobs it lacks, then hands the scene id on. */
  static final class Receiver {
    /** How the receiver fetches its blobs: "jdk" (the JDK's HttpClient, bytes only), "url" (HttpURLConnection, bytes
     * only) or "sdk" (the Java SDK's fetchBlobs, which splits them into blobs). */
    static final String FETCH = System.getProperty("fetch", "jdk");

    /** A version taken: its scene, when its event came and when the receiver held it (System.nanoTime()). */
    record Got(String scene, long event, long delta, long done) {}

    final BlockingQueue<Got> done = new LinkedBlockingQueue<>();
    final java.util.Set<String> have = new java.util.HashSet<>();

    Receiver(BenchHub hub, LiveLinkClient c, String document) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String id = c.register("Blender", "4.3", document, "receiver", List.of());
      Map<String, Integer> held = new java.util.HashMap<>();
      Thread t = new Thread(() -> c.events(id, (name, data) -> {
        if (!name.equals("version")) return;
        long event = System.nanoTime();
        String scene = data.path("scene").asText();
        JsonNode d = c.delta(scene, held.getOrDefault(scene, 0));
        long delta = System.nanoTime();
        List<String> need = new ArrayList<>();
        for (String k : List.of("added", "changed")) {
          for (JsonNode n : d.path(k)) {
            JsonNode node = k.equals("added") ? n : n.path("node");
            String h = node.path("mesh").asText();
            if (!h.isEmpty() && have.add(h)) need.add(h);
          }
        }
        if (!need.isEmpty()) {
          // The blobs it lacks, in one request, as the connectors fetch them.
          com.fasterxml.jackson.databind.node.ObjectNode q = dev.livelink.wire.Json.object();
          need.forEach(q.putArray("hashes")::add);
          try {
            if (FETCH.equals("sdk")) {
              c.fetchBlobs(need); // the Java SDK's client: the CLI's receive, a receiver through files
            } else if (FETCH.equals("url")) {
              FetchBench.post(hub.port(), hub.token(), dev.livelink.wire.Json.bytes(q));
            } else {
              http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + hub.port()
                  + "/v1/blobs/fetch")).header("Authorization", "Bearer " + hub.token())
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(dev.livelink.wire.Json.bytes(q))).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            }
          } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        held.put(scene, d.path("to").asInt());
        done.add(new Got(scene, event, delta, System.nanoTime()));
      }));
      t.setDaemon(true);
      t.start();
    }

    /** The next version taken of a scene whose id ends with {@code sceneSuffix}. */
    Got await(String sceneSuffix) throws InterruptedException {
      while (true) {
        Got g = done.poll(60, TimeUnit.SECONDS);
        if (g == null) throw new IllegalStateException("no version arrived within 60 s");
        if (g.scene().endsWith(sceneSuffix)) return g;
      }
    }
  }
}
