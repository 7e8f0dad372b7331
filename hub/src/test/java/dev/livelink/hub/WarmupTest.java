package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WarmupTest {
  /** Where the warm-up keeps its throwaway hub, as Warmup picks it. */
  static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  static long ours() throws Exception {
    String mine = "livelink-warmup-" + ProcessHandle.current().pid() + "-";
    try (Stream<Path> s = Files.list(scratch())) {
      return s.filter(p -> p.getFileName().toString().startsWith(mine)).count();
    }
  }

  @Test
  void runsItsRoundsThroughAThrowawayHubAndLeavesNothingBehind() throws Exception {
    assertThat(Warmup.run(2, () -> false)).isEqualTo(2);
    assertThat(ours()).isZero();
  }

  @Test
  void itEndsOnceTwoRoundsInARowSetOffNoCompiling() {
    // The compilers finish nothing new: the first rounds still run, then two settled ones end it.
    assertThat(Warmup.run(60, () -> false, () -> 1234)).isEqualTo(9);
  }

  @Test
  void whereTheJvmDoesNotMeasureCompilingItRunsThemAll() {
    assertThat(Warmup.run(10, () -> false, null)).isEqualTo(10);
  }

  @Test
  void aSendThatComesFirstStopsIt() {
    assertThat(Warmup.run(5, () -> true)).isZero();
  }

  @Test
  void theFolderOfAWarmUpWhoseProcessIsGoneIsDeleted() throws Exception {
    Path left = Files.createDirectories(scratch().resolve("livelink-warmup-2147483646-1").resolve("home"));
    Files.write(left.resolve("hub.json"), new byte[] {'{', '}'});
    Warmup.run(0, () -> false);
    assertThat(left.getParent()).doesNotExist();
  }
}
