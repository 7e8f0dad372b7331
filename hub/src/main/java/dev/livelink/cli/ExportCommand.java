package dev.livelink.cli;

import dev.livelink.export.ExportException;
import dev.livelink.export.ExportFormat;
import dev.livelink.sdk.LiveLinkClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes the latest version of one scene to a file, once. */
@Command(name = "export", description = "Write the latest version of a scene to a .glb, .gltf, .obj or .stl file.")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "SCENE", description = "scene id (see livelink status)")
  String scene;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "the file; its extension picks the format (.gltf writes a .bin beside it)")
  Path file;

  @Override
  public Integer call() throws Exception {
    Path target = file.toAbsolutePath().normalize();
    String name = target.getFileName().toString();
    ExportFormat f;
    try {
      f = ExportFormat.ofFile(name);
    } catch (ExportException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    SceneFiles.checkWritable(target.getParent());
    SceneFetcher.Fetched fetched = new SceneFetcher(LiveLinkClient.connect(home.resolve())).latest(scene);
    SceneFiles.Written w = SceneFiles.export(fetched, f, target.getParent(), name.substring(0, name.lastIndexOf('.')));
    PrintWriter err = spec.commandLine().getErr();
    for (String s : w.skipped()) {
      err.println("livelink: " + s);
    }
    spec.commandLine().getOut().printf("wrote %s: %s version %d, %d node(s)%n", w.files().get(w.files().size() - 1),
        scene, fetched.version(), w.nodes());
    return 0;
  }
}
