package dev.livelink.cli;

import dev.livelink.runtime.Home;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The machine as the installer sees it: environment variables, the user's home, the OS name, and how to start a
 * program. Passed in rather than read from {@link System}, so tests drive the installer with a made-up machine.
 */
record Environment(Map<String, String> variables, Path userHome, String osName, ProcessRunner runner) {
  Environment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(userHome, "userHome == null");
    Objects.requireNonNull(osName, "osName == null");
    Objects.requireNonNull(runner, "runner == null");
  }

  static Environment system() {
    return new Environment(System.getenv(), Path.of(System.getProperty("user.home")),
        System.getProperty("os.name"), ProcessRunner.SYSTEM);
  }

  /** @return the variable's value, or null when it is unset or blank */
  String get(String name) {
    String v = variables.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** Where hub.json and install.json live for this user (docs/protocol.md). */
  Path livelinkHome() {
    return Home.resolve(variables, userHome.toString(), osName);
  }

  /** True when a directory on PATH holds an executable {@code exe}. */
  boolean onPath(String exe) {
    String path = get("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }
}
