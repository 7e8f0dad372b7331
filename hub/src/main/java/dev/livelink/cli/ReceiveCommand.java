package dev.livelink.cli;

import dev.livelink.export.ExportException;
import dev.livelink.export.ExportFormat;
import dev.livelink.model.Ids;
import dev.livelink.model.ModelException;
import dev.livelink.sdk.LiveLinkClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Receives like an application does, into files: any program that reads glTF, OBJ or STL joins as a receiver. */
@Command(name = "receive", description = "Write every version the hub sends as a file in a folder, and ack it "
    + "(Ctrl-C stops).")
final class ReceiveCommand implements Callable<Integer> {
  /** How long Ctrl-C waits for the scene being written before the process ends anyway. */
  private static final long STOP_GRACE_SECONDS = 30;

  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write <scene>.<format> in")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", description = "glb, gltf, obj or stl (default ${DEFAULT-VALUE})")
  String format = "glb";

  @Option(names = "--from", paramLabel = "APP",
      description = "only versions sent to everyone by this application (repeatable; default: every application)")
  List<String> from = new ArrayList<>();

  @Option(names = "--scene", paramLabel = "ID", description = "write only this scene")
  String scene;

  @Override
  public Integer call() throws Exception {
    ExportFormat f;
    try {
      f = ExportFormat.parse(format);
      if (scene != null) {
        Ids.check("scene id", scene);
      }
    } catch (ExportException | ModelException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path dir = out.toAbsolutePath().normalize();
    SceneFiles.checkWritable(dir);
    LiveLinkClient client = LiveLinkClient.connect(home.resolve());
    List<String> takes = from.isEmpty() ? List.of("*") : from;
    PrintWriter o = spec.commandLine().getOut();
    try (Receiver r = new Receiver(client, new Receiver.Options(dir, f, takes, scene), o,
        spec.commandLine().getErr())) {
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        r.stop();
        try {
          finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "livelink-receive-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      o.println("receiving " + (scene == null ? "every scene" : "scene " + scene) + " from " + String.join(", ", takes)
          + " into " + dir + " as " + f.extension() + " (peer " + r.peer() + "); Ctrl-C stops");
      o.flush();
      int rc;
      try {
        rc = r.run();
      } finally {
        r.close();
        o.println("stopped; said goodbye to the hub");
        o.flush();
        finished.countDown();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down: the hook is what stopped the receiver.
      }
      return rc;
    }
  }
}
