package dev.livelink.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Installs the connectors into the applications found on this machine. */
@Command(name = "install", description = "Install the Blender add-on (an extension on Blender 4.2+) and the FreeCAD "
    + "Mod (default: both).")
final class InstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Parameters(arity = "0..1", paramLabel = "APP", description = "blender or freecad (default: both)")
  String app;

  @Override
  public Integer call() throws Exception {
    if (app != null && !app.equals("blender") && !app.equals("freecad")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "unknown application \"" + app + "\" (expected blender or freecad)");
    }
    Installer installer = Installer.fromSystem(spec.commandLine().getOut());
    boolean any = false;
    if (app == null || app.equals("blender")) {
      any |= installer.blender();
    }
    if (app == null || app.equals("freecad")) {
      any |= installer.freecad();
    }
    return any ? 0 : 1;
  }
}
