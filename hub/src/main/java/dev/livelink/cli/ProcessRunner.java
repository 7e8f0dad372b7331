package dev.livelink.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Starts a program for the installer, its stdout and stderr going to a file; the installer bounds and reads it. */
@FunctionalInterface
interface ProcessRunner {
  ProcessRunner SYSTEM = (command, output) -> new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(output.toFile()).start();

  /**
   * Output goes to a file rather than a pipe so that a child which writes much, or never ends, cannot block on a
   * full pipe while the installer waits: waiting with a timeout is then all it takes to bound it.
   */
  Process start(List<String> command, Path output) throws IOException;
}
