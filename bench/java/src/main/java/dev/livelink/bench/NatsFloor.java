package dev.livelink.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor under a first send across hubs: nats-server's own Object Store moving the same bytes from jnats, with
 * no hub around it. The bytes are cut in packs of {@code packBytes} (as a hub cuts a first send), all put at once on
 * one connection, then all read back at once on another (info, then one direct get each, as hub B reads a pack).
 */
final class NatsFloor {
  private NatsFloor() {}

  /**
   * What bounds the crossing on the NATS side: the same 3.5 MB in packs of several sizes, each a single chunk.
   * Usage: NatsFloor [runs=7] [directory for NATS's store, default the temp dir]
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    java.nio.file.Path dir = args.length > 1
        ? java.nio.file.Files.createTempDirectory(java.nio.file.Path.of(args[1]), "livelink-floor-")
        : java.nio.file.Files.createTempDirectory("livelink-floor-");
    try (NatsProcess nats = new NatsProcess(dir)) {
      byte[] bytes = new byte[3_490_000];
      for (int pack : new int[] {128 << 10, 256 << 10, 512 << 10, (1 << 20) - (16 << 10)}) {
        double[] t = putGet(nats.url, bytes, pack, runs);
        System.out.printf("packs of %4d KB (%2d objects): put %5.1f ms + get %5.1f ms = %6.1f MB/s%n", pack >> 10,
            (bytes.length + pack - 1) / pack, t[0], t[1], bytes.length / 1e6 / ((t[0] + t[1]) / 1000));
      }
    }
  }

  /** Median milliseconds of {@code runs} put + get rounds (after two warm-ups) of {@code bytes} in packs. */
  static double[] putGet(String url, byte[] bytes, int packBytes, int runs) throws Exception {
    double[] put = new double[runs];
    double[] get = new double[runs];
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (Connection a = Nats.connect(url); Connection b = Nats.connect(url)) {
      String bucket = "floor" + packBytes;
      a.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File).build());
      ObjectStore osA = a.objectStore(bucket);
      ObjectStore osB = b.objectStore(bucket);
      JetStreamManagement jsmB = b.jetStreamManagement();
      for (int k = -2; k < runs; k++) {
        List<byte[]> packs = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += packBytes) {
          byte[] p = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + packBytes));
          p[0] = (byte) (k + 3); // new objects each round
          packs.add(p);
        }
        long t0 = System.nanoTime();
        List<Future<String>> puts = new ArrayList<>();
        for (int i = 0; i < packs.size(); i++) {
          String name = "floor-" + k + "-" + i; // packs of one chunk each, as a hub puts them
          byte[] p = packs.get(i);
          puts.add(pool.submit(() -> {
            osA.put(ObjectMeta.builder(name).chunkSize(packBytes).build(), new ByteArrayInputStream(p));
            return name;
          }));
        }
        List<String> names = new ArrayList<>();
        for (Future<String> f : puts) names.add(f.get());
        long t1 = System.nanoTime();
        List<Future<Integer>> gets = new ArrayList<>();
        for (String name : names) {
          gets.add(pool.submit(() -> {
            ObjectInfo info = osB.getInfo(name);
            return jsmB.getLastMessage("OBJ_" + bucket, "$O." + bucket + ".C." + info.getNuid()).getData().length;
          }));
        }
        long got = 0;
        for (Future<Integer> f : gets) got += f.get();
        long t2 = System.nanoTime();
        if (got != bytes.length) throw new IllegalStateException("got " + got + " of " + bytes.length + " bytes");
        if (k >= 0) {
          put[k] = (t1 - t0) / 1e6;
          get[k] = (t2 - t1) / 1e6;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new double[] {Stats.median(put), Stats.median(get)};
  }
}
