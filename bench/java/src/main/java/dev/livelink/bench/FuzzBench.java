package dev.livelink.bench;

import dev.livelink.format.fuzz.FuzzRunner;
import dev.livelink.format.fuzz.FuzzTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The readers' fuzz run at scale: the mutation loop of the hub's FormatFuzzTest (same mutator, same checks) with
 * many more inputs. Per reader: inputs, refusals, exceptions other than FormatException (must be 0), hangs over
 * 10 s, inputs over the allocation bound, the largest allocation per input byte, the slowest input, and the most
 * common refusals (which says how deep the mutations reach).
 *
 * <p>Usage: {@code bench/java-bench FuzzBench [inputs-per-reader] [base-seed] [reader...]}; exits 1 when any rule
 * broke. Failing inputs are saved under bench/out/fuzz-failures, named by reader and seed.
 */
public final class FuzzBench {
  public static void main(String[] args) throws Exception {
    int inputs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 100_000;
    long base = args.length > 1 ? Long.parseLong(args[1]) : 1L;
    FuzzTarget[] targets = FuzzTarget.values();
    if (args.length > 2) {
      targets = new FuzzTarget[args.length - 2];
      for (int i = 2; i < args.length; i++) targets[i - 2] = FuzzTarget.valueOf(args[i].toUpperCase());
    }
    Path fixtures = Path.of("hub/src/test/resources/fixtures");
    System.out.printf("fuzzing %d inputs per reader, base seed %d, seeds from %s, %s%n", inputs, base, fixtures,
        Runtime.version());
    boolean ok = true;
    try (FuzzRunner runner = new FuzzRunner(fixtures, Duration.ofSeconds(10), Path.of("bench/out/fuzz-failures"))) {
      StringBuilder table = new StringBuilder();
      table.append("| reader | inputs | refused | other exceptions | hangs > 10 s | over the bound | max alloc / input "
          + "| same, inputs >= 1 KiB | largest alloc | slowest input | time |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (FuzzTarget t : targets) {
        long t0 = System.nanoTime();
        FuzzRunner.Report r = runner.run(t, base, inputs);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println(r + String.format("  (%.1f s)", secs));
        r.reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
            .forEach(e -> System.out.printf("    %,8d  %s%n", e.getValue(), e.getKey()));
        System.out.printf("    %d kinds of refusal%n", r.reasons.size());
        for (FuzzRunner.Failure f : r.failures) {
          System.out.println("  FAILED " + f.describe());
        }
        ok &= r.ok();
        table.append(String.format("| %s | %,d | %,d | %d | %d | %d (bound %d x + 1 MiB) | %.0f x (seed %d) | %.0f x | %,d B "
                + "| %.1f ms (seed %d) | %.0f s |%n", t, r.inputs, r.refused, r.foreign, r.hangs, r.overAllocated,
            t.allocFactor(), r.maxAllocRatio, r.maxAllocRatioSeed, r.maxAllocRatioFrom1KiB, r.maxAlloc, r.slowestNanos / 1e6, r.slowestSeed,
            secs));
      }
      System.out.println();
      System.out.print(table);
    }
    System.exit(ok ? 0 : 1);
  }
}
