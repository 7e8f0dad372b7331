package dev.livelink.bench;

import dev.livelink.model.MeshData;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.sdk.LiveLinkClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hub's share of a first send to a hub that has just started: a fresh hub process (the launcher's JVM flags),
 * then the blobs of a 410-node scene (3.5 MB), the publish and the full delta, with the hub's own time of each
 * request read from its Server-Timing. Cases, alternating start by start, each without and with the class-data
 * archive the launcher makes: the hub as it was (no warm-up), the send as soon as the hub is ready (as when a
 * connector starts the hub to send; the send stops the warm-up), and the send once the hub has warmed up (as when
 * Blender started the hub earlier). Baseline of the same run: the same send to a hub process that has served 30
 * sends. Medians of the process starts.
 *
 * <p>Usage: {@code bench/java-bench ColdSendBench [starts] [--modes=at once,after warm-up] [variant...]} (see
 * {@link Variant}; default: the hub without and with the archive) (the archive is {@code hub/target/livelink-*.jsa},
 * made by {@code ./livelink} when missing).
 */
public final class ColdSendBench {
  record Send(double ready, double missing, double upload, double publish, double delta, double client) {
    double hub() {
      return missing + upload + publish + delta;
    }
  }

  /**
   * A way to start the hub, as an argument "label=options": its jar, the class-data archive or none, extra JVM
   * options; several compare them in the same run. An option {@code jar=PATH} takes another jar (with the archive
   * its launcher made next to it), {@code archive} adds the archive.
   */
  record Variant(String label, Path jar, Path archive, List<String> flags) {
    static Variant parse(String spec, Path jar) throws IOException {
      String label = spec.contains("=") ? spec.substring(0, spec.indexOf('=')).trim() : spec.trim();
      List<String> flags = new ArrayList<>();
      boolean archived = false;
      for (String f : spec.substring(spec.indexOf('=') + 1).trim().split("\\s+")) {
        if (f.startsWith("jar=")) {
          jar = Path.of(f.substring(4)).toAbsolutePath();
        } else if (f.equals("archive")) {
          archived = true;
        } else if (!f.isEmpty()) {
          flags.add(f);
        }
      }
      Path archive = archived ? ColdSendBench.archive(jar) : null;
      if (archived && archive == null) {
        throw new IllegalArgumentException("no archive next to " + jar + " (run its ./livelink once)");
      }
      return new Variant(label, jar, archive, flags);
    }
  }

  public static void main(String[] args) throws Exception {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path jar = Path.of(System.getProperty("livelink.jar", "hub/target/livelink.jar")).toAbsolutePath();
    Path archive = archive(jar);
    List<Variant> variants = new ArrayList<>();
    List<String> modes = List.of("no warm-up", "at once", "after warm-up");
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--modes=")) {
        modes = List.of(args[i].substring(8).split(","));
      } else {
        variants.add(Variant.parse(args[i], jar));
      }
    }
    if (variants.isEmpty()) {
      variants.add(Variant.parse("=", jar));
      if (archive != null) {
        variants.add(Variant.parse(", archive=archive", jar));
      }
    }
    String extra = System.getProperty("hub.flags", "");
    List<MeshData> meshes = new ArrayList<>();
    for (int i = 0; i < HubBench.NODES; i++) {
      meshes.add(HubBench.grid(i));
    }
    Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
    List<String> hashes = new ArrayList<>(blobs.keySet());
    Map<String, Variant> cases = new java.util.LinkedHashMap<>();
    for (Variant v : variants) {
      for (String m : modes) {
        cases.put(m.trim() + v.label(), v);
      }
    }
    // The client's side is warmed first, on a hub of its own, so that only the hub is cold below.
    Variant first = variants.get(0);
    start(first.jar(), first.archive(), "no warm-up", blobs, hashes, 30, first.flags());
    Map<String, List<Send>> warmHubs = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      for (Variant v : variants) {
        warmHubs.computeIfAbsent("fully warm" + v.label(), k -> new ArrayList<>())
            .add(start(v.jar(), v.archive(), "no warm-up", blobs, hashes, 30, v.flags()));
      }
    }
    Map<String, List<Send>> results = new java.util.LinkedHashMap<>();
    for (String c : cases.keySet()) {
      results.put(c, new ArrayList<>());
    }
    for (int s = 0; s < starts; s++) {
      for (var c : cases.entrySet()) {
        Variant v = c.getValue();
        results.get(c.getKey()).add(start(v.jar(), v.archive(), c.getKey(), blobs, hashes, 0, v.flags()));
      }
    }
    System.out.printf("first send to a hub just started: 410 nodes, 3.5 MB of new blobs; %d starts per case, medians"
        + " (hub's own time, Server-Timing)%n", starts);
    System.out.println("case                      ready  missing   upload  publish    delta  hub total  client");
    for (var e : results.entrySet()) {
      print(e.getKey(), e.getValue());
    }
    // Baseline: the same send to a hub process that has served 30 sends.
    for (var e : warmHubs.entrySet()) {
      print(e.getKey(), e.getValue());
    }
    for (Variant v : variants) {
      System.out.println("variant \"" + v.label() + "\": " + v.jar() + (v.archive() == null ? "" : ", " + v.archive())
          + (v.flags().isEmpty() ? "" : ", " + String.join(" ", v.flags())) + (extra.isBlank() ? "" : ", " + extra));
    }
  }

  static void print(String name, List<Send> sends) {
    System.out.printf("%-24s %6.0f %8.2f %8.2f %8.2f %8.2f %10.2f %7.1f%n", name,
        med(sends, Send::ready), med(sends, Send::missing), med(sends, Send::upload), med(sends, Send::publish),
        med(sends, Send::delta), med(sends, Send::hub), med(sends, Send::client));
  }

  static double med(List<Send> sends, java.util.function.ToDoubleFunction<Send> f) {
    return Stats.median(sends.stream().mapToDouble(f).toArray());
  }

  /** The launcher's archive for the {@code java} on the PATH, if it made one. */
  static Path archive(Path jar) throws IOException {
    try (var files = Files.list(jar.getParent())) {
      return files.filter(p -> p.getFileName().toString().matches("livelink-.*\\.jsa")).findFirst().orElse(null);
    }
  }

  /**
   * Starts a hub process, sends once as soon as it is ready, then {@code warmSends} more times; returns the first
   * send, or the last when there were more.
   */
  static Send start(Path jar, Path archive, String mode, Map<String, byte[]> blobs, List<String> hashes,
      int warmSends, List<String> flags) throws Exception {
    Path home = Files.createTempDirectory("livelink-coldsend-");
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xshare:auto"));
    if (archive != null) {
      cmd.add("-XX:SharedArchiveFile=" + archive);
    }
    cmd.addAll(flags);
    String extra = System.getProperty("hub.flags", "");
    if (!extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    if (mode.startsWith("no warm-up")) {
      cmd.add("-Dlivelink.warmup=0");
    }
    cmd.addAll(List.of("-jar", jar.toString(), "hub", "--port", "0", "--home", home.toString()));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null && !line.contains("listening on"); ) {
        // the hub prints its listening line once hub.json is written
      }
      double ready = (System.nanoTime() - t0) / 1e6;
      if (mode.startsWith("after warm-up")) {
        for (String line; (line = r.readLine()) != null && !line.contains("warmed up"); ) {
          // the warm-up says when it is done
        }
      }
      RuntimeFile rf = RuntimeFile.read(home);
      LiveLinkClient c = new LiveLinkClient(rf.port(), rf.token());
      Send s = send(c, ready, blobs, hashes, "first");
      if (warmSends > 0) {
        // Sends of a few new blobs, then one as large as the first, with as many new blobs.
        for (int i = 0; i < warmSends; i++) {
          List<MeshData> few = new ArrayList<>();
          for (int k = 0; k < 20; k++) few.add(HubBench.grid(50_000 + 100 * i + k));
          send(c, ready, LiveLinkClient.blobs(few), hashes, "warm" + i);
        }
        List<MeshData> fresh = new ArrayList<>();
        for (int k = 0; k < HubBench.NODES; k++) fresh.add(HubBench.grid(90_000 + k));
        Map<String, byte[]> b = LiveLinkClient.blobs(fresh);
        s = send(c, ready, b, new ArrayList<>(b.keySet()), "warm");
      }
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
      return s;
    } finally {
      try (var walk = Files.walk(home)) {
        walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Uploads the blobs the hub lacks, publishes, fetches the full delta, as a first send and its receiver do. */
  static Send send(LiveLinkClient c, double ready, Map<String, byte[]> blobs, List<String> hashes, String scene) {
    long t = System.nanoTime();
    List<String> missing = c.missing(blobs.keySet());
    double m = c.lastServerMillis();
    double u = 0;
    if (!missing.isEmpty()) {
      c.upload(blobs, missing, null);
      u = c.lastServerMillis();
    }
    c.publish(HubBench.scene(scene, hashes, -1), List.of(), null);
    double p = c.lastServerMillis();
    c.delta(scene, 0);
    return new Send(ready, m, u, p, c.lastServerMillis(), (System.nanoTime() - t) / 1e6);
  }
}
