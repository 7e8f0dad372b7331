package dev.livelink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemSyncTest {
  @TempDir Path dir;

  @Test
  void onLinuxTheSyncCommandFlushesTheFileSystem() {
    // CI and every lane of the tests run on Debian, where coreutils' sync has -f.
    assertThat(System.getProperty("os.name")).startsWith("Linux");
    assertThat(FileSystemSync.command()).isNotSameAs(FileSystemSync.NONE);
    assertThat(FileSystemSync.command().flush(dir)).isTrue();
  }

  @Test
  void aCommandThatFailsOrIsMissingSaysItDidNotFlush() {
    assertThat(FileSystemSync.command("false").flush(dir)).isFalse();
    assertThat(FileSystemSync.command(dir.resolve("no-such-program").toString()).flush(dir)).isFalse();
    assertThat(FileSystemSync.NONE.flush(dir)).isFalse();
  }
}
