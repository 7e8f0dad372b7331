package dev.livelink.bench;

import dev.livelink.hub.Hub;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * A receiver's fetch of a first send's blobs from its hub ({@code POST /v1/blobs/fetch}, 410 blobs, 3.5 MB), once
 * they are in their own files and once from the batch in memory: what the receiver's last step costs on the local
 * path and on hub B alike. Usage: FetchBench [rounds=41]; medians.
 */
public final class FetchBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
    Path home = Files.createTempDirectory("livelink-fetchbench-");
    try (Hub hub = Hub.create(home, 0).start()) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      double[] files = new double[rounds];
      double[] memory = new double[rounds];
      long bytes = 0;
      for (int k = -10; k < rounds; k++) {
        Map<String, byte[]> blobs = HubBench.documentBlobs(5_000_000 + 1000 * (k + 10));
        bytes = blobs.values().stream().mapToLong(b -> b.length).sum();
        byte[] ask = Json.bytes(Json.object().set("hashes", Json.MAPPER.valueToTree(new ArrayList<>(blobs.keySet()))));
        c.upload(blobs, null);
        double m = fetch(hub, ask, bytes); // within the split's delay: from the batch in memory
        hub.awaitSplit();
        double f = fetch(hub, ask, bytes);
        if (k >= 0) {
          memory[k] = m;
          files[k] = f;
        }
      }
      System.out.printf("fetch of %d blobs, %.2f MB, medians of %d: from memory %.2f ms, from their files %.2f ms%n",
          HubBench.NODES, bytes / 1e6, rounds, Stats.median(memory), Stats.median(files));
    } finally {
      try (var f = Files.walk(home)) {
        f.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One fetch, read to the end; its time in ms. */
  static double fetch(Hub hub, byte[] ask, long expected) throws java.io.IOException {
    long t = System.nanoTime();
    long n = post(hub.port(), hub.token(), ask);
    double ms = (System.nanoTime() - t) / 1e6;
    if (n < expected) throw new IllegalStateException("fetched " + n + " bytes, expected more than " + expected);
    return ms;
  }

  /**
   * {@code POST /v1/blobs/fetch} of {@code ask} ({@code {"hashes": [..]}}) with {@code HttpURLConnection}, the answer
   * read to the end as bytes; the number of bytes read.
   */
  static long post(int port, String token, byte[] ask) throws java.io.IOException {
    HttpURLConnection u = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v1/blobs/fetch").toURL()
        .openConnection();
    u.setRequestMethod("POST");
    u.setDoOutput(true);
    u.setRequestProperty("Authorization", "Bearer " + token);
    u.setRequestProperty("Content-Type", "application/json");
    try (var out = u.getOutputStream()) {
      out.write(ask);
    }
    try (var in = u.getInputStream()) {
      return in.readAllBytes().length;
    }
  }

  private FetchBench() {}
}
