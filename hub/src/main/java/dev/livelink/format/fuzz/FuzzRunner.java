package dev.livelink.format.fuzz;

import dev.livelink.format.FormatException;
import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.format.SceneBuilder;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feeds mutated inputs to a reader, each on a worker thread with a time limit, and checks three things per input:
 * the reader throws nothing but {@link FormatException} (nor does building a scene from what it read), it returns
 * within the limit, and it allocates at most {@link FuzzTarget#allocFactor()} times the input's bytes plus
 * {@link #ALLOC_SLACK}, measured with the worker thread's allocation counter.
 *
 * <p>Why 64 x + 1 MiB (128 x for glTF): the readers allocate in proportion to the bytes present, and the largest
 * honest expansions, measured by {@code AllocationBoundTest} on 0.3-1 MB inputs, are ~50 x: an OBJ of one-triangle
 * objects ("o\nf 1 2 3\n", 10 bytes for a part, its mesh, name and id) and a binary PLY of 255-item byte lists
 * (256 bytes for 253 triangles of 12 bytes, in a doubling list); for glTF ~72 x: a JSON tree of three-byte nodes.
 * The factor leaves room above those without letting through a count that is not backed by bytes: such a count
 * costs gigabytes, not a factor of two. The 1 MiB covers what does not grow with the input: the JSON parser's
 * buffers, first-use class initialisation, the readers' initial lists.
 *
 * <p>Used by the unit test {@code FormatFuzzTest} (a few thousand inputs per reader in every build) and by the
 * benchmark {@code bench/java-bench FuzzBench} (a hundred thousand or more), so both run the same mutations.
 */
public final class FuzzRunner implements AutoCloseable {
  public static final long ALLOC_SLACK = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int KEEP = 20;

  /** One input that broke a rule. */
  public record Failure(FuzzTarget target, long seed, String seedFile, String problem, byte[] input, Path saved) {
    public String describe() {
      return target + " seed " + seed + "L (" + seedFile + " mutated, " + input.length + " bytes" + (saved != null
          ? ", saved as " + saved : "") + "): " + problem + "\n    input: " + preview(input)
          + "\n    reproduce: Mutator.input(FuzzTarget." + target + ".seeds(fixtures), " + seed + "L)";
    }
  }

  /** What one run found, per reader. */
  public static final class Report {
    public final FuzzTarget target;
    public int inputs;
    public int refused;
    /** Inputs that threw anything but FormatException (or hung, or allocated past the bound). */
    public int foreign;
    public int hangs;
    public int overAllocated;
    public double maxAllocRatio;
    public long maxAllocRatioSeed;
    /** The same over inputs of 1 KiB or more, where fixed costs weigh less. */
    public double maxAllocRatioFrom1KiB;
    public long maxAllocRatioFrom1KiBSeed;
    public long maxAlloc;
    public long slowestNanos;
    public long slowestSeed;
    public final List<Failure> failures = new ArrayList<>();
    /** How often each kind of refusal came up: the message with numbers and quotes blanked, the file name cut. */
    public final Map<String, Integer> reasons = new HashMap<>();

    Report(FuzzTarget target) {
      this.target = target;
    }

    public boolean ok() {
      return foreign == 0 && hangs == 0 && overAllocated == 0;
    }

    @Override
    public String toString() {
      return String.format("%-4s %,9d inputs  %,9d refused  %d foreign  %d hangs  %d over the bound  "
              + "max alloc %.1f x input (seed %dL), %.1f x from 1 KiB (seed %dL), %,d bytes  slowest %.1f ms (seed %dL)", target, inputs, refused,
          foreign, hangs, overAllocated, maxAllocRatio, maxAllocRatioSeed, maxAllocRatioFrom1KiB,
          maxAllocRatioFrom1KiBSeed, maxAlloc, slowestNanos / 1e6,
          slowestSeed);
    }
  }

  private record Outcome(Throwable thrown, long allocated, long nanos) {}

  private final Path fixtures;
  private final Duration timeout;
  private final Path failures;
  private ExecutorService worker = newWorker();

  /**
   * @param fixtures the seed files, also the folder the inputs are read in
   * @param failures where failing inputs are saved (null: not saved)
   */
  public FuzzRunner(Path fixtures, Duration timeout, Path failures) {
    if (!THREADS.isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("this JVM does not count allocated bytes per thread");
    }
    THREADS.setThreadAllocatedMemoryEnabled(true);
    this.fixtures = fixtures;
    this.timeout = timeout;
    this.failures = failures;
  }

  /** The seed of input {@code i} of a run started with {@code base}. */
  public static long seedOf(long base, int i) {
    return base * 0x9E3779B97F4A7C15L + i;
  }

  /** Runs {@code inputs} mutated inputs through {@code target} after a warm-up that is checked but not measured. */
  public Report run(FuzzTarget target, long base, int inputs) throws IOException, InterruptedException {
    List<Mutator.Seed> seeds = target.seeds(fixtures);
    for (Mutator.Seed s : seeds) {
      // Warm-up: first-use class loading and JIT would otherwise be charged to the first inputs.
      for (int k = 0; k < 50; k++) {
        attempt(target, s.name(), k == 0 ? s.bytes() : Mutator.input(List.of(s), ~base - k));
      }
    }
    Report report = new Report(target);
    for (int i = 0; i < inputs; i++) {
      long seed = seedOf(base, i);
      byte[] input = Mutator.input(seeds, seed);
      String seedFile = Mutator.seedName(seeds, seed);
      Outcome o = attempt(target, seedFile, input);
      if (o != null) {
        // A rarely taken path initialises classes on first use (a JSON error message, say), charged to whichever
        // input takes it first. The reader does the same every time, so each input is read twice and the smaller
        // allocation and time count: what the reader costs, not what the JVM's first use of a class costs.
        Outcome again = attempt(target, seedFile, input);
        if (again != null) {
          o = new Outcome(o.thrown(), Math.min(o.allocated(), again.allocated()), Math.min(o.nanos(), again.nanos()));
        }
      }
      report.inputs++;
      String problem = null;
      if (o == null) {
        report.hangs++;
        problem = "no answer within " + timeout.toMillis() + " ms";
      } else {
        if (o.thrown() instanceof FormatException e) {
          report.refused++;
          if (report.reasons.size() < 1000) {
            report.reasons.merge(reason(e.getMessage()), 1, Integer::sum);
          }
        } else if (o.thrown() != null) {
          report.foreign++;
          problem = describe(o.thrown());
        }
        if (o.allocated() > target.allocBound(input.length)) {
          report.overAllocated++;
          problem = (problem == null ? "" : problem + "; ") + "allocated " + o.allocated() + " bytes, more than "
              + target.allocFactor() + " x " + input.length + " + " + ALLOC_SLACK;
        }
        double ratio = (double) o.allocated() / Math.max(1, input.length);
        if (ratio > report.maxAllocRatio) {
          report.maxAllocRatio = ratio;
          report.maxAllocRatioSeed = seed;
        }
        report.maxAlloc = Math.max(report.maxAlloc, o.allocated());
        if (input.length >= 1024 && ratio > report.maxAllocRatioFrom1KiB) {
          report.maxAllocRatioFrom1KiB = ratio;
          report.maxAllocRatioFrom1KiBSeed = seed;
        }
        if (o.nanos() > report.slowestNanos) {
          report.slowestNanos = o.nanos();
          report.slowestSeed = seed;
        }
      }
      if (problem != null && report.failures.size() < KEEP) {
        report.failures.add(new Failure(target, seed, seedFile, problem, input, save(target, seed, seedFile, input)));
      }
    }
    return report;
  }

  /** One input on the worker; null when it did not finish in time (the worker is then abandoned). */
  private Outcome attempt(FuzzTarget target, String seedFile, byte[] input) throws InterruptedException {
    Future<Outcome> f = worker.submit(() -> parse(target, seedFile, input));
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow(); // the stuck thread is a daemon; a fresh worker takes the next input
      worker = newWorker();
      return null;
    } catch (ExecutionException e) {
      return new Outcome(e.getCause(), 0, 0);
    }
  }

  private Outcome parse(FuzzTarget target, String seedFile, byte[] input) {
    long a0 = THREADS.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    Throwable thrown = null;
    List<Part> parts = null;
    try {
      parts = target.feed(fixtures, seedFile, input);
    } catch (Throwable e) { // the point of the exercise: anything at all is recorded and judged by the caller
      thrown = e;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - a0;
    if (parts != null && !parts.isEmpty()) {
      // What `livelink send` does next: any exception here would also reach the user.
      Path name = Path.of("fuzz." + Formats.extension(Path.of(seedFile)));
      try {
        SceneBuilder.build("fuzz", "fuzz", "fuzz", Units.MM, UpAxis.parse(Formats.defaultUp(name)), List.of(parts),
            List.of(name.toString()));
      } catch (Throwable e) {
        thrown = e;
      }
    }
    return new Outcome(thrown, allocated, System.nanoTime() - t0);
  }

  private Path save(FuzzTarget target, long seed, String seedFile, byte[] input) {
    if (failures == null) {
      return null;
    }
    try {
      Files.createDirectories(failures);
      Path p = failures.resolve(target.name().toLowerCase() + "-" + seed + "." + Formats.extension(Path.of(seedFile)));
      Files.write(p, input);
      return p;
    } catch (IOException e) {
      return null;
    }
  }

  /** "fuzz.ply:13: list of 7 items but 3 bytes remain in "7 0 1"" becomes "list of N items but N bytes remain". */
  static String reason(String message) {
    String m = message.replaceFirst("^fuzz\\.[a-z]+:(\\d+:(\\d+:)?)? ?", "");
    m = m.replaceAll(" in \"[^\n]*$", "").replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("-?\\d+(\\.\\d+)?", "N");
    return m.length() > 90 ? m.substring(0, 90) + "…" : m;
  }

  private static String describe(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return t + (st.length > 0 ? " at " + st[0] : "");
  }

  /** The first 160 bytes, printable ASCII kept and the rest escaped. */
  static String preview(byte[] b) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < Math.min(b.length, 160); i++) {
      int c = b[i] & 0xff;
      if (c == '\n') s.append("\\n");
      else if (c == '"' || c == '\\') s.append('\\').append((char) c);
      else if (c >= 32 && c < 127) s.append((char) c);
      else s.append(String.format("\\x%02x", c));
    }
    return s.append(b.length > 160 ? "\"..." : "\"").toString();
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-worker");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
