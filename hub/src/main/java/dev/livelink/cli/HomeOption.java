package dev.livelink.cli;

import dev.livelink.runtime.Home;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --home} option: where hub.json and the store live. */
final class HomeOption {
  @Option(names = "--home", paramLabel = "DIR",
      description = "livelink home (default: $LIVELINK_HOME or the per-user config directory)")
  Path home;

  Path resolve() {
    return home != null ? home : Home.defaultHome();
  }
}
