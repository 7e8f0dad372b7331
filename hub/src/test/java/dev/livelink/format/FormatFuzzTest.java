package dev.livelink.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.format.fuzz.FuzzRunner;
import dev.livelink.format.fuzz.FuzzTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every build fuzzes every reader: mutated fixtures, each on a worker with a 10 s limit, must be read or refused
 * with a FormatException, within 64 x their size + 1 MiB of allocation. The benchmark {@code bench/java-bench
 * FuzzBench} runs the same loop with many more inputs.
 */
class FormatFuzzTest {
  /** Inputs per reader in the normal test run: ~10 s for all four together on the 2-core machine. */
  static final int INPUTS_PER_READER = 20_000;
  /** Fixed, so that every build runs the same inputs and a failure names a seed that reproduces it. */
  static final long BASE_SEED = 20261130L;

  @ParameterizedTest
  @EnumSource(FuzzTarget.class)
  void readerThrowsOnlyFormatExceptionsWithinTimeAndMemory(FuzzTarget target) throws Exception {
    Path fixtures = FormatsTest.fixture("box_1x2x3_zup_binary.stl").getParent();
    try (FuzzRunner runner = new FuzzRunner(fixtures, Duration.ofSeconds(10), Path.of("target", "fuzz-failures"))) {
      FuzzRunner.Report r = runner.run(target, BASE_SEED, INPUTS_PER_READER);
      System.out.println(r);
      assertThat(r.ok())
          .withFailMessage(() -> r + "\n" + r.failures.stream().map(FuzzRunner.Failure::describe)
              .collect(Collectors.joining("\n")))
          .isTrue();
    }
  }
}
