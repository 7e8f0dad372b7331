package dev.livelink.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options shared by send and watch. */
final class SendOptions {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "OBJ, STL, PLY, glTF or GLB files")
  List<Path> files = new ArrayList<>();

  @Option(names = "--to", paramLabel = "PEER", description = "target peer id or app name (repeatable; default: every receiver)")
  List<String> to = new ArrayList<>();

  @Option(names = "--scene", paramLabel = "NAME", description = "scene name (default: the first file's name)")
  String scene;

  @Option(names = "--units", paramLabel = "U", description = "mm, cm, m, in or ft (default: m for glTF, mm otherwise)")
  String units;

  @Option(names = "--up", paramLabel = "Y|Z", description = "the files' up axis (default: Y for glTF and OBJ, Z otherwise)")
  String up;

  @Option(names = "--wait", description = "wait for the receivers' acks and print them")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long --wait waits (default ${DEFAULT-VALUE})")
  double timeout = 30;
}
