package dev.livelink.bench;

import dev.livelink.hub.Hub;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;

import java.util.List;
import java.util.Map;

/**
 * Hub overhead, over real HTTP on loopback: publishing a 410-node scene (~180k triangles) whose blobs are on the
 * hub, serving its delta, uploading blobs (ms per MB), and the hub's cold start to ready as a separate process.
 */
public final class HubBench {
  static final int NODES = 410;
  static final int GRID = 15; // 2 * 15 * 15 = 450 triangles per node, 184,500 in all

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path home = Files.createTempDirectory("livelink-bench-");
    try (Hub hub = Hub.create(home, 0).start()) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      List<MeshData> meshes = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        meshes.add(grid(i));
      }
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      long bytes = blobs.values().stream().mapToLong(b -> b.length).sum();
      List<String> hashes = new ArrayList<>(blobs.keySet());
      // Warm the JIT with other blobs, then time fresh batches of 410 new blobs (3.5 MB).
      for (int w = 0; w < 10; w++) {
        List<MeshData> warm = new ArrayList<>();
        for (int i = 0; i < NODES; i++) warm.add(grid(100_000 * (w + 1) + i));
        c.upload(LiveLinkClient.blobs(warm), null);
      }
      // Fresh batches of 410 new blobs (3.5 MB); between them, in the same state of the machine, the floors: hashing
      // and validating the same blobs on one thread, and writing them durably (write, fsync, rename, directory
      // fsync) as one file on the same disk.
      int uploads = Math.min(runs, 40);
      double[] upload = new double[uploads];
      double[] uploadHub = new double[uploads];
      double[] uploadAfterBody = new double[uploads];
      double[] floorCheck = new double[uploads];
      double[] floorSync = new double[uploads];
      double[] split = new double[uploads];
      Path floorFile = home.resolve("floor.bin");
      for (int i = 0; i < uploads; i++) {
        // Let the previous batch's background split (one fsync per blob file) finish, as between user sends.
        hub.awaitSplit();
        List<MeshData> fresh = new ArrayList<>();
        for (int n = 0; n < NODES; n++) fresh.add(grid(1_000_000 * (i + 1) + n));
        Map<String, byte[]> b = LiveLinkClient.blobs(fresh);
        long t = System.nanoTime();
        c.upload(b, null);
        upload[i] = (System.nanoTime() - t) / 1e6;
        uploadHub[i] = c.lastServerMillis();
        uploadAfterBody[i] = uploadHub[i] - c.lastServerMillis("body");
        t = System.nanoTime();
        hub.awaitSplit();
        split[i] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        for (byte[] blob : b.values()) {
          Sha256.hex(blob);
          MeshBlob.validate(blob);
        }
        floorCheck[i] = (System.nanoTime() - t) / 1e6;
        byte[] all = new byte[(int) bytes];
        int at = 0;
        for (byte[] blob : b.values()) {
          System.arraycopy(blob, 0, all, at, blob.length);
          at += blob.length;
        }
        t = System.nanoTime();
        AtomicFiles.write(floorFile, all, false);
        floorSync[i] = (System.nanoTime() - t) / 1e6;
      }
      c.upload(blobs, null);
      // Warm the JIT on both sides before timing.
      for (int i = 0; i < 300; i++) {
        c.publishWhole(scene("warm", hashes, i), List.of(), null);
        c.delta("warm", 0);
      }
      // Publishes of new scenes, each followed by the floor of its durable write (a file of the version file's size)
      // and by a publish of a new version of an existing scene.
      byte[] versionSized = new byte[Json.bytes(SceneJson.write(scene("full", hashes, -1))).length];
      double[] full = new double[runs];
      double[] fullHub = new double[runs];
      double[] floorVersion = new double[runs];
      double[] fullRead = new double[runs];
      double[] nextVersionHub = new double[runs];
      double[] fullStore = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        c.publishWhole(scene("full" + i, hashes, -1), List.of(), null);
        full[i] = (System.nanoTime() - t) / 1e6;
        fullHub[i] = c.lastServerMillis();
        fullRead[i] = c.lastServerMillis("read");
        fullStore[i] = c.lastServerMillis("store");
        t = System.nanoTime();
        AtomicFiles.write(floorFile, versionSized, false);
        floorVersion[i] = (System.nanoTime() - t) / 1e6;
        c.publishWhole(scene("warm", hashes, 1000 + i), List.of(), null);
        nextVersionHub[i] = c.lastServerMillis();
      }
      double[] fullDeltaHub = new double[runs];
      int[] d = {0};
      double[] fullDelta = Stats.time(0, runs, () -> {
        c.delta("full0", 0);
        fullDeltaHub[d[0]++] = c.lastServerMillis();
      });
      // One node changes per version: its new blob is uploaded first, then the version is published.
      c.publishWhole(scene("edit", hashes, -1), List.of(), null);
      int[] k = {0};
      double[] editUpload = new double[runs];
      double[] edit = Stats.time(0, runs, () -> {
        List<String> h = new ArrayList<>(hashes);
        MeshData m = grid(10_000 + k[0]);
        Map<String, byte[]> one = LiveLinkClient.blobs(List.of(m));
        long t = System.nanoTime();
        c.upload(one, null);
        editUpload[k[0]] = (System.nanoTime() - t) / 1e6;
        h.set(7, one.keySet().iterator().next());
        c.publishWhole(scene("edit", h, k[0]++), List.of(), null);
      });
      int last = c.delta("edit", 0).path("to").asInt();
      double[] editDeltaHub = new double[runs];
      int[] e = {0};
      double[] editDelta = Stats.time(0, runs, () -> {
        c.delta("edit", last - 1);
        editDeltaHub[e[0]++] = c.lastServerMillis();
      });
      double mb = bytes / 1e6;
      System.out.printf("scene: %d nodes, %d triangles, %d blobs, %.1f MB of blobs; %d timed runs, median%n",
          NODES, NODES * 2 * GRID * GRID, blobs.size(), mb, runs);
      double hubUp = Stats.median(uploadHub);
      System.out.println("                                   client-observed   hub's own (Server-Timing)");
      double floor = Stats.median(floorCheck) + Stats.median(floorSync);
      System.out.printf("upload 410 new blobs, one batch   %7.1f ms         %7.1f ms  = %.2f ms per MB (hub); %d runs"
          + "%n", Stats.median(upload), hubUp, hubUp / mb, uploads);
      System.out.printf("  of which after the last byte                        %7.2f ms%n",
          Stats.median(uploadAfterBody));
      System.out.printf("  floor, same bytes, same run: hash + validate on one thread %.2f ms, durable write %.2f ms"
          + " (sum %.2f ms = %.2f ms per MB)%n", Stats.median(floorCheck), Stats.median(floorSync), floor, floor / mb);
      System.out.printf("  then, in the background: the split into 410 blob files %.1f ms%n", Stats.median(split));
      System.out.printf("publish 410 nodes, blobs present  %7.2f ms         %7.2f ms%n", Stats.median(full),
          Stats.median(fullHub));
      System.out.printf("  of which reading and checking the body %.2f ms, storing the version %.2f ms%n",
          Stats.median(fullRead), Stats.median(fullStore));
      System.out.printf("  floor, same run: durable write of a file of the version's size (%d KB) %.2f ms%n",
          versionSized.length / 1024, Stats.median(floorVersion));
      System.out.printf("publish a new version of a scene (410 nodes moved)          %7.2f ms%n",
          Stats.median(nextVersionHub));
      System.out.printf("serve full delta (410 nodes)      %7.2f ms         %7.2f ms%n", Stats.median(fullDelta),
          Stats.median(fullDeltaHub));
      System.out.printf("one-node edit: upload 1 blob      %7.2f ms%n", Stats.median(editUpload));
      System.out.printf("one-node edit: upload + publish   %7.2f ms%n", Stats.median(edit));
      System.out.printf("one-node edit: serve delta        %7.2f ms         %7.2f ms%n", Stats.median(editDelta),
          Stats.median(editDeltaHub));
      System.out.printf("hub overhead, publish + serve delta of 410 nodes (goal < 3 ms): %.2f ms%n",
          Stats.median(fullHub) + Stats.median(fullDeltaHub));
    } finally {
      deleteTree(home);
    }
    coldStart(args.length > 1 ? Integer.parseInt(args[1]) : 7);
  }

  static Scene scene(String id, List<String> hashes, int salt) {
    List<Node> nodes = new ArrayList<>();
    Material red = Material.of("red", 1, 0, 0, 1);
    for (int i = 0; i < hashes.size(); i++) {
      nodes.add(new Node("Gear" + i, "Gear " + i, null, Transform.translation(i * 150.0, salt, 0),
          hashes.get(i), List.of(red), true));
    }
    return new Scene(id, id, "bench", Units.MM, UpAxis.Z, nodes);
  }

  static MeshData grid(int seed) {
    return grid(seed, GRID);
  }

  /** A document's blobs by hash: {@link #NODES} distinct grids, seeded {@code first} to {@code first + NODES - 1}. */
  static Map<String, byte[]> documentBlobs(int first) {
    List<MeshData> meshes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) meshes.add(grid(first + i));
    return LiveLinkClient.blobs(meshes);
  }

  /** Deletes a bench's temp folder and everything in it. */
  static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** A {@code size} × {@code size} grid of quads, its heights from {@code seed}. */
  static MeshData grid(int seed, int size) {
    int n = size + 1;
    float[] p = new float[3 * n * n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        int o = 3 * (i * n + k);
        p[o] = i;
        p[o + 1] = k;
        p[o + 2] = (float) Math.sin(seed + i * 0.3 + k * 0.7);
      }
    }
    int[] t = new int[6 * size * size];
    int j = 0;
    for (int i = 0; i < size; i++) {
      for (int k = 0; k < size; k++) {
        int a = i * n + k;
        t[j++] = a;
        t[j++] = a + 1;
        t[j++] = a + n + 1;
        t[j++] = a;
        t[j++] = a + n + 1;
        t[j++] = a + n;
      }
    }
    return new MeshData(p, t, null, null);
  }

  /** Process start to the "listening" line (hub.json written), with the launcher's JVM flags. */
  static void coldStart(int runs) throws Exception {
    String jar = Path.of(System.getProperty("livelink.jar", "hub/target/livelink.jar")).toAbsolutePath().toString();
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      Path home = Files.createTempDirectory("livelink-cold-");
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xshare:auto",
          "-jar", jar, "hub", "--port", "0", "--home", home.toString()).redirectErrorStream(true).start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.contains("listening on")) {
            t[i] = (System.nanoTime() - t0) / 1e6;
            break;
          }
        }
        p.destroy();
        p.waitFor();
      }
      deleteTree(home);
    }
    System.out.printf("hub cold start to ready (process start to hub.json written)  %7.1f ms  (runs: %s)%n",
        Stats.median(t), java.util.Arrays.toString(java.util.Arrays.stream(t).map(Math::round).toArray()));
  }

}
