package dev.livelink.bench;

import dev.livelink.load.LoadScenario;
import dev.livelink.runtime.RuntimeFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * The load scenario of docs/reliability.md, long: a hub process of its own, started as the launcher starts it (the
 * same jar and JVM flags, default limits), under 1,000 half-open connections, 200 event streams of which 20 are
 * never read, 50 peers registering and leaving in a loop and 10 senders publishing for the given seconds (default
 * 120). Its threads are read from /proc (Linux), its live heap with jcmd.
 *
 * <p>Usage: {@code bench/java-bench HubLoad [seconds]}; {@code bench/java-bench HubLoad --flood} instead measures
 * requests while a thousand half-sent requests stay open the whole time (each reopened as soon as the hub cuts it).
 */
public final class HubLoad {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 120;
    boolean flood = java.util.Arrays.asList(args).contains("--flood");
    LoadScenario.Config config = LoadScenario.Config.standard(Duration.ofSeconds(seconds));
    Path home = Files.createTempDirectory("livelink-load-");
    try (HubProcess hub = new HubProcess(home)) {
      if (flood) {
        int n = 20;
        long[] r = new LoadScenario(config, hub).underFlood(n);
        long[] times = java.util.Arrays.copyOf(r, n);
        java.util.Arrays.sort(times);
        System.out.printf("hub under a flood of %d half-sent requests, each reopened when cut: GET /v1/hub took "
            + "median %d ms, max %d ms (%d requests); %d cut meanwhile; hub threads %d%n", config.halfOpen(),
            times[n / 2], times[n - 1], n, r[n + 1], r[n]);
        return;
      }
      LoadScenario.Report r = new LoadScenario(config, hub).run();
      System.out.printf("hub under load, %d s of publishing%n%s%n", seconds, r);
    } finally {
      try (var s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The hub as its own process, with the launcher's flags; threads and resident memory from /proc. */
  static final class HubProcess implements LoadScenario.HubUnderTest, AutoCloseable {
    private final Path home;
    private Process process;
    private RuntimeFile runtime;

    HubProcess(Path home) throws IOException {
      this.home = home;
      start();
    }

    void start() throws IOException {
      String jar = Path.of(System.getProperty("livelink.jar", "hub/target/livelink.jar")).toAbsolutePath().toString();
      process = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xshare:auto", "-jar", jar, "hub", "--port", "0",
          "--home", home.toString()).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.contains("listening on")) {
          break;
        }
      }
      runtime = RuntimeFile.read(home);
      Thread drain = new Thread(() -> out.lines().forEach(l -> System.err.println("hub: " + l)), "hub-output");
      drain.setDaemon(true);
      drain.start();
    }

    @Override
    public int port() {
      return runtime.port();
    }

    @Override
    public String token() {
      return runtime.token();
    }

    @Override
    public int threads() {
      return (int) status("Threads:");
    }

    /** The hub's live heap: bytes in use right after a full collection, asked of the hub JVM with jcmd. */
    @Override
    public long memory() {
      jcmd("GC.run");
      long used = 0;
      // SerialGC: "def new generation total 9792K, used 1234K [...]" and "tenured generation total ..., used ...K"
      for (String line : jcmd("GC.heap_info").split("\n")) {
        if (line.contains("generation") && line.contains("used ")) {
          String u = line.substring(line.indexOf("used ") + 5).trim().split("[K ,]")[0];
          used += Long.parseLong(u) * 1024;
        }
      }
      return used;
    }

    @Override
    public String describe() {
      return "threads: all of the hub process's, from /proc; memory: its heap in use after a full collection "
          + "(jcmd); its resident set at the end: " + status("VmRSS:") / 1024 + " MB, at most "
          + status("VmHWM:") / 1024 + " MB";
    }

    private String jcmd(String command) {
      try {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
      } catch (IOException e) {
        return "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    }

    private long status(String field) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
          if (line.startsWith(field)) {
            return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException | NumberFormatException e) {
        return -1;
      }
      return -1;
    }

    @Override
    public void restart() throws Exception {
      stop();
      start();
    }

    void stop() throws InterruptedException {
      process.destroy(); // SIGTERM: the hub's shutdown hook stops it cleanly
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
