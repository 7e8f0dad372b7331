package dev.livelink.bench;

import dev.livelink.store.BlobStore;
import dev.livelink.wire.BlobBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The store's split of a first send's pack into blob files, each durable: 410 blobs (3.49 MB) put as one batch,
 * then written into their own files by the store's splitter thread. Prints the splitter's CPU per pack (summed
 * over the runs, /proc's 10 ms ticks) and the time from the batch's put until its split is done (which includes
 * the 250 ms the split waits for, so that a publish right after an upload has the disk to itself).
 * Usage: SplitBench [runs=21] [directory, default the temp dir]; LIVELINK_JAR=... for another build of the store.
 */
public final class SplitBench {
  private SplitBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
    Path dir = args.length > 1 ? Files.createTempDirectory(Path.of(args[1]), "livelink-split-")
        : Files.createTempDirectory("livelink-split-");
    double[] wall = new double[runs];
    long cpu = 0;
    try (BlobStore store = new BlobStore(dir.resolve("blobs"))) {
      for (int k = -3; k < runs; k++) {
        List<BlobBatch.Frame> frames = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : HubBench.documentBlobs(30_000_000 + (k + 3) * 1000).entrySet()) {
          frames.add(new BlobBatch.Frame(e.getKey(), e.getValue()));
        }
        long cpu0 = splitterCpu();
        long t = System.nanoTime();
        store.putAll(frames);
        store.awaitSplit();
        if (k >= 0) {
          wall[k] = (System.nanoTime() - t) / 1e6;
          cpu += splitterCpu() - cpu0;
        }
      }
    } finally {
      HubBench.deleteTree(dir);
    }
    System.out.printf("a pack of %d blobs split into durable files: put until split %.1f ms (median of %d, 250 ms "
        + "of wait included), the splitter's CPU %.1f ms per pack (mean)%n", HubBench.NODES, Stats.median(wall), runs,
        cpu / 1e6 / runs);
  }

  private static long splitterCpu() throws java.io.IOException {
    return FederationBench.threadCpu().getOrDefault("livelink-pack-s", 0L); // the thread's name, as /proc cuts it
  }
}
