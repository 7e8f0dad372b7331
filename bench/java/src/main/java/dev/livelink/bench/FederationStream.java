package dev.livelink.bench;

import dev.livelink.sdk.LiveLinkClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sustained throughput of new documents: {@code n} documents of 410 new parts (3.49 MB of blobs each) sent back to
 * back, each upload and publish as soon as the one before is answered and with no wait for any receiver, as a sender
 * with a queue of documents would. Timed from the first upload until the receiver holds the last document's blobs:
 * on the local path (a hub without NATS and its own receiver), and hub A → NATS → hub B → B's receiver; rounds
 * alternate between the two, each with documents of its own. FederationBench times one first send alone (its
 * latency); this is the rate when sends follow one another and their steps overlap.
 * Usage: FederationStream [documents=10] [rounds=3]; {@code -Dwarm=N} first sends on each path before the rounds
 * (default 30).
 */
public final class FederationStream {
  private FederationStream() {}

  /** A document to send: its id and blobs, made before the timing starts. */
  private record Doc(String id, Map<String, byte[]> blobs, List<String> hashes) {}

  /**
   * A stream's time, from the first upload until the receiver held the last document, and the CPU per document of
   * this JVM (and nats-server's, on the way through NATS), the hubs' background writes of blob files included.
   */
  private record Run(double millis, double cpuPerDoc) {}

  /** A sender on one hub and a receiver on another (or the same): the path a stream takes. */
  private static final class Way {
    final LiveLinkClient client;
    final String sender;
    final FederationBench.Receiver rx;
    final List<BenchHub> hubs;

    Way(String name, BenchHub from, BenchHub to) {
      client = new LiveLinkClient(from.port(), from.token());
      sender = client.register("FreeCAD", "1.0", "Stream", "sender", List.of());
      Thread events = new Thread(() -> client.events(sender, (event, data) -> {})); // as FreeCAD keeps it open
      events.setDaemon(true);
      events.start();
      rx = new FederationBench.Receiver(to, new LiveLinkClient(to.port(), to.token()), name + ".blend");
      hubs = from == to ? List.of(from) : List.of(from, to);
    }

    /**
     * Sends the documents back to back. Every hub's background work is over before it starts (all of {@code quiet})
     * and, for the CPU, after it ends (its own).
     */
    Run stream(List<Doc> docs, List<BenchHub> quiet, NatsProcess nats) throws Exception {
      for (BenchHub h : quiet) {
        h.awaitSplit();
      }
      long cpu0 = cpu(nats);
      long t = System.nanoTime();
      for (Doc d : docs) {
        client.upload(d.blobs(), null);
        client.publish(FederationBench.scene(d.id(), d.hashes()), List.of(), sender);
      }
      long end = t;
      for (Doc d : docs) {
        end = rx.await(d.id()).done(); // in order: one sender's versions reach a receiver in the order published
      }
      for (BenchHub h : hubs) {
        h.awaitSplit();
      }
      return new Run((end - t) / 1e6, (cpu(nats) - cpu0) / 1e6 / docs.size());
    }

    private static long cpu(NatsProcess nats) throws java.io.IOException {
      return FederationBench.jvmCpuNanos() + (nats == null ? 0 : FederationBench.cpuNanos(nats.pid()));
    }
  }

  /** Documents {@code first} to {@code first + n - 1}, each with parts of its own. */
  private static List<Doc> docs(int first, int n) {
    List<Doc> out = new ArrayList<>();
    for (int k = first; k < first + n; k++) {
      Map<String, byte[]> blobs = HubBench.documentBlobs(20_000_000 + k * 1000);
      out.add(new Doc("Stream-" + k + "-x", blobs, new ArrayList<>(blobs.keySet())));
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warm = Integer.getInteger("warm", 30);
    Path dir = Files.createTempDirectory("livelink-fedstream-");
    try (NatsProcess nats = new NatsProcess(dir.resolve("nats"));
        BenchHub l = BenchHub.unfederated(dir.resolve("local"));
        BenchHub a = BenchHub.inProcess(dir.resolve("a"), nats.url, "bench-a");
        BenchHub b = BenchHub.inProcess(dir.resolve("b"), nats.url, "bench-b")) {
      Way local = new Way("local", l, l);
      Way federated = new Way("remote", a, b);
      LiveLinkClient ca = new LiveLinkClient(a.port(), a.token());
      while (ca.peers().size() < 2) Thread.sleep(20); // B's receiver announced to A
      int made = 0;
      List<BenchHub> all = List.of(l, a, b);
      for (int k = 0; k < warm; k++, made += 2) {
        local.stream(docs(made, 1), all, null);
        federated.stream(docs(made + 1, 1), all, nats);
      }
      double mb = 0;
      double[] lt = new double[rounds];
      double[] ft = new double[rounds];
      double[] cpu = new double[rounds];
      double[] localCpu = new double[rounds];
      boolean perThread = System.getenv("THREADS") != null;
      Map<String, Long> byThread = new java.util.TreeMap<>();
      for (int r = 0; r < rounds; r++) {
        List<Doc> docs = docs(made, n);
        Run lr = local.stream(docs, all, null);
        lt[r] = lr.millis();
        localCpu[r] = lr.cpuPerDoc();
        docs = docs(made + n, n);
        made += 2 * n;
        mb = docs.get(0).blobs().values().stream().mapToLong(x -> x.length).sum() / 1e6;
        Map<String, Long> threads0 = perThread ? FederationBench.threadCpu() : Map.of();
        Run fr = federated.stream(docs, all, nats);
        ft[r] = fr.millis();
        cpu[r] = fr.cpuPerDoc();
        if (perThread) {
          FederationBench.threadCpu().forEach((t, v) -> byThread.merge(t, v - threads0.getOrDefault(t, 0L), Long::sum));
        }
        System.out.printf("round %d: local %.1f ms (%.1f MB/s), via NATS %.1f ms (%.1f MB/s), %.2f x local; "
            + "CPU per document: local %.0f ms, via NATS %.0f ms%n", r + 1, lt[r], n * mb / lt[r] * 1e3, ft[r],
            n * mb / ft[r] * 1e3, ft[r] / lt[r], localCpu[r], cpu[r]);
      }
      double ml = Stats.median(lt);
      double mf = Stats.median(ft);
      System.out.printf("%d documents of %.2f MB back to back, medians of %d rounds: local %.1f MB/s, hub A -> NATS "
          + "-> hub B -> receiver %.1f MB/s (%.2f x the local path's time); CPU per document, the hubs' writes of "
          + "blob files included: local %.0f ms, via NATS %.0f ms (this JVM and nats-server), on %d cores%n", n, mb,
          rounds, n * mb / ml * 1e3, n * mb / mf * 1e3, mf / ml, Stats.median(localCpu), Stats.median(cpu),
          Runtime.getRuntime().availableProcessors());
      double perDoc = 1e6 * rounds * n;
      byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(16)
          .forEach(e -> System.out.printf("   %-32s %8.1f ms per document via NATS%n", e.getKey(),
              e.getValue() / perDoc));
    } finally {
      HubBench.deleteTree(dir);
    }
  }
}
