package dev.livelink.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies the connectors into the user's Blender add-ons and FreeCAD Mod folders, enables the Blender add-on, and
 * records the launcher in {@code LIVELINK_HOME/install.json} so the connectors can start the hub. Everything it
 * reads from the machine comes from its {@link Environment}.
 */
final class Installer {
  private static final Pattern VERSION = Pattern.compile("(?m)^(?:Blender|FreeCAD) (\\d+\\.\\d+)");
  /** Blender saving its preferences takes seconds; two minutes means it hangs (a dialog, a stuck GPU driver). */
  static final Duration TIMEOUT = Duration.ofSeconds(120);
  private final Path root;
  private final Environment env;
  private final PrintWriter out;

  /** @param root the livelink checkout: it holds the launcher and the connectors to copy */
  Installer(Path root, Environment env, PrintWriter out) {
    this.root = root.toAbsolutePath();
    this.env = env;
    this.out = out;
  }

  /** The installer for this machine, with the checkout the ./livelink launcher names. */
  static Installer fromSystem(PrintWriter out) {
    String r = System.getProperty("livelink.root");
    if (r == null) {
      throw new IllegalStateException("livelink.root is not set: run install through the ./livelink launcher");
    }
    return new Installer(Path.of(r), Environment.system(), out);
  }

  private void recordLauncher() throws IOException {
    ObjectNode o = Json.object();
    o.put("launcher", root.resolve("livelink").toString()).put("root", root.toString());
    AtomicFiles.write(env.livelinkHome().resolve("install.json"), Json.bytes(o), false);
  }

  boolean blender() throws IOException, InterruptedException {
    List<Path> addonDirs = new ArrayList<>();
    String scripts = env.get("BLENDER_USER_SCRIPTS");
    if (scripts != null) {
      addonDirs.add(Path.of(scripts, "addons"));
    } else {
      Path config = env.userHome().resolve(".config/blender");
      if (Files.isDirectory(config)) {
        try (Stream<Path> s = Files.list(config)) {
          s.filter(p -> p.getFileName().toString().matches("\\d+\\.\\d+"))
              .forEach(p -> addonDirs.add(p.resolve("scripts/addons")));
        }
      }
      String v = version("blender", "--version");
      if (v != null && addonDirs.stream().noneMatch(p -> p.toString().contains("/" + v + "/"))) {
        addonDirs.add(config.resolve(v).resolve("scripts/addons"));
      }
    }
    if (addonDirs.isEmpty()) {
      out.println("blender: no Blender found (not on PATH, no ~/.config/blender); skipped");
      return false;
    }
    recordLauncher();
    for (Path dir : addonDirs) {
      copyTree(root.resolve("connectors/blender/livelink_blender"), dir.resolve("livelink_blender"));
      out.println("blender: add-on installed in " + dir.resolve("livelink_blender"));
    }
    if (env.onPath("blender")) {
      int rc = run("blender -b (enabling the add-on)", List.of("blender", "-b", "--python-exit-code", "1",
          "--python-expr", String.join("\n",
              "import addon_utils, bpy, sys",
              "addon_utils.enable('livelink_blender', default_set=True, persistent=True)",
              "ok = 'livelink_blender' in bpy.context.preferences.addons",
              "bpy.ops.wm.save_userpref()",
              "sys.exit(0 if ok else 3)"))).exitCode();
      out.println(rc == 0 ? "blender: add-on enabled and preferences saved"
          : "blender: could not enable the add-on (exit " + rc + "); enable \"Live Link\" in Preferences > Add-ons");
    }
    return true;
  }

  boolean freecad() throws IOException, InterruptedException {
    Path modDir;
    String cmd = env.onPath("freecadcmd") ? "freecadcmd" : env.onPath("FreeCADCmd") ? "FreeCADCmd" : null;
    String dataDir = cmd == null ? null : run(cmd + " -c (asking for its user data folder)", List.of(cmd, "-c",
        "import FreeCAD; print('LLDIR=' + FreeCAD.getUserAppDataDir())")).output();
    Matcher m = dataDir == null ? null : Pattern.compile("LLDIR=(.+)").matcher(dataDir);
    if (m != null && m.find()) {
      modDir = Path.of(m.group(1).trim()).resolve("Mod");
    } else if (Files.isDirectory(env.userHome().resolve(".local/share/FreeCAD"))) {
      modDir = env.userHome().resolve(".local/share/FreeCAD/Mod");
    } else if (Files.isDirectory(env.userHome().resolve(".FreeCAD"))) {
      modDir = env.userHome().resolve(".FreeCAD/Mod");
    } else {
      out.println("freecad: no FreeCAD found (no freecadcmd on PATH, no ~/.FreeCAD); skipped");
      return false;
    }
    recordLauncher();
    copyTree(root.resolve("connectors/freecad/LiveLink"), modDir.resolve("LiveLink"));
    out.println("freecad: Mod installed in " + modDir.resolve("LiveLink"));
    return true;
  }

  /** Copies a tree, following links (the shared Python client is linked into each connector in the repository). */
  private static void copyTree(Path from, Path to) throws IOException {
    if (Files.exists(to)) {
      try (Stream<Path> s = Files.walk(to)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (Stream<Path> s = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : s.toList()) {
        if (p.toString().contains("__pycache__")) {
          continue;
        }
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private String version(String exe, String flag) throws IOException, InterruptedException {
    if (!env.onPath(exe)) {
      return null;
    }
    Matcher m = VERSION.matcher(run(exe + " " + flag, List.of(exe, flag)).output());
    return m.find() ? m.group(1) : null;
  }

  private record Result(int exitCode, String output) {}

  /**
   * Runs a program to its end, killing it after {@link #TIMEOUT}.
   *
   * @param what names the program in the error when it does not finish
   * @throws IOException naming {@code what} when the program had to be killed
   */
  private Result run(String what, List<String> command) throws IOException, InterruptedException {
    Path output = Files.createTempFile("livelink-install-", ".out");
    try {
      Process p = env.runner().start(command, output);
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("\"" + what + "\" did not finish within " + TIMEOUT.toSeconds() + " s; killed it");
      }
      return new Result(p.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
