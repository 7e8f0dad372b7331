package dev.livelink.runtime;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Makes everything written on a file system durable at once: Linux's {@code syncfs(2)}, through coreutils'
 * {@code sync -f} since Java has no call for it. Many new files then cost one flush of the file system instead of an
 * fsync each: the store's split of a pack of 410 blobs into files took 146-162 ms of CPU and 290-330 ms with an fsync
 * per file on this project's test machine, and 78-88 ms and 140-160 ms with two of these flushes (SplitBench,
 * docs/performance.md). Where it is not available (not Linux, no {@code sync}, or it fails) {@link #flush} says so
 * and the caller syncs file by file, which also reports a write error that a failed flush only hints at.
 */
@FunctionalInterface
public interface FileSystemSync {
  /**
   * @param path a file or directory on the file system to flush
   * @return true when everything written on that file system before the call is durable; false when it could not
   *     be made so this way (the caller then syncs file by file)
   */
  boolean flush(Path path);

  /** Never flushes: the caller always syncs file by file. */
  FileSystemSync NONE = path -> false;

  /** {@code sync -f} where this is Linux with coreutils' {@code sync}; {@link #NONE} elsewhere. */
  static FileSystemSync command() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return NONE;
    }
    Path exe = Stream.of("/usr/bin/sync", "/bin/sync").map(Path::of).filter(Files::isExecutable).findFirst()
        .orElse(null);
    return exe == null ? NONE : command(exe.toString());
  }

  /** {@code program -f PATH}, true when it exits with 0. */
  static FileSystemSync command(String program) {
    return path -> {
      Process p;
      try {
        p = new ProcessBuilder(program, "-f", path.toString()).redirectErrorStream(true)
            .redirectOutput(Redirect.DISCARD).start();
      } catch (IOException e) {
        return false;
      }
      try {
        return p.waitFor() == 0;
      } catch (InterruptedException e) {
        p.destroy();
        Thread.currentThread().interrupt();
        return false;
      }
    };
  }
}
