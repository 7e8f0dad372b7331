package dev.livelink.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Builds a connector's installable file, for machines {@code livelink install} does not reach. */
@Command(name = "package", description = {"Build the Blender add-on zip, livelink_blender-<version>.zip.",
    "Blender 4.2+: Get Extensions > Install from Disk; Blender 3.x: Preferences > Add-ons > Install."})
final class PackageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Parameters(paramLabel = "APP", description = "blender")
  String app;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "folder to write the zip in (default: the "
      + "current folder)")
  Path output = Path.of("");

  @Override
  public Integer call() throws Exception {
    if (!app.equals("blender")) {
      throw new ParameterException(spec.commandLine(), "unknown application \"" + app + "\" (expected blender)");
    }
    Path zip = BlenderPackage.write(Installer.checkoutRoot().resolve(BlenderPackage.SOURCE), output);
    spec.commandLine().getOut().println(zip);
    return 0;
  }
}
