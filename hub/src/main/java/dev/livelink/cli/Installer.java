package dev.livelink.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.RuntimeFile;
import dev.livelink.store.AtomicFiles;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies the connectors into the user's Blender add-ons and FreeCAD Mod folders, enables the Blender add-on, and
 * records the launcher in {@code LIVELINK_HOME/install.json} so the connectors can start the hub.
 */
final class Installer {
  private static final Pattern VERSION = Pattern.compile("(?m)^(?:Blender|FreeCAD) (\\d+\\.\\d+)");
  private final Path root;
  private final Path launcher;
  private final Path userHome;
  private final Path livelinkHome;
  private final PrintWriter out;

  private Installer(Path root, Path launcher, Path userHome, Path livelinkHome, PrintWriter out) {
    this.root = root;
    this.launcher = launcher;
    this.userHome = userHome;
    this.livelinkHome = livelinkHome;
    this.out = out;
  }

  static Installer fromEnvironment(PrintWriter out) {
    String r = System.getProperty("livelink.root");
    if (r == null) {
      throw new IllegalStateException("livelink.root is not set: run install through the ./livelink launcher");
    }
    Path root = Path.of(r).toAbsolutePath();
    return new Installer(root, root.resolve("livelink"), Path.of(System.getProperty("user.home")),
        RuntimeFile.defaultHome(), out);
  }

  private void recordLauncher() throws IOException {
    ObjectNode o = Json.object();
    o.put("launcher", launcher.toString()).put("root", root.toString());
    AtomicFiles.write(livelinkHome.resolve("install.json"), Json.bytes(o), false);
  }

  boolean blender() throws IOException, InterruptedException {
    List<Path> addonDirs = new ArrayList<>();
    String scripts = System.getenv("BLENDER_USER_SCRIPTS");
    if (scripts != null && !scripts.isBlank()) {
      addonDirs.add(Path.of(scripts, "addons"));
    } else {
      Path config = userHome.resolve(".config/blender");
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
    if (onPath("blender")) {
      int rc = run(List.of("blender", "-b", "--python-exit-code", "1", "--python-expr", String.join("\n",
          "import addon_utils, bpy, sys",
          "addon_utils.enable('livelink_blender', default_set=True, persistent=True)",
          "ok = 'livelink_blender' in bpy.context.preferences.addons",
          "bpy.ops.wm.save_userpref()",
          "sys.exit(0 if ok else 3)")));
      out.println(rc == 0 ? "blender: add-on enabled and preferences saved"
          : "blender: could not enable the add-on (exit " + rc + "); enable \"Live Link\" in Preferences > Add-ons");
    }
    return true;
  }

  boolean freecad() throws IOException, InterruptedException {
    Path modDir;
    String cmd = onPath("freecadcmd") ? "freecadcmd" : onPath("FreeCADCmd") ? "FreeCADCmd" : null;
    String dataDir = cmd == null ? null : output(List.of(cmd, "-c",
        "import FreeCAD; print('LLDIR=' + FreeCAD.getUserAppDataDir())"));
    Matcher m = dataDir == null ? null : Pattern.compile("LLDIR=(.+)").matcher(dataDir);
    if (m != null && m.find()) {
      modDir = Path.of(m.group(1).trim()).resolve("Mod");
    } else if (Files.isDirectory(userHome.resolve(".local/share/FreeCAD"))) {
      modDir = userHome.resolve(".local/share/FreeCAD/Mod");
    } else if (Files.isDirectory(userHome.resolve(".FreeCAD"))) {
      modDir = userHome.resolve(".FreeCAD/Mod");
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
    try (Stream<Path> s = Files.walk(from, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
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

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }

  private static String version(String exe, String flag) throws IOException, InterruptedException {
    if (!onPath(exe)) {
      return null;
    }
    String o = output(List.of(exe, flag));
    Matcher m = o == null ? null : VERSION.matcher(o);
    return m != null && m.find() ? m.group(1) : null;
  }

  private static String output(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] b = p.getInputStream().readAllBytes();
    return p.waitFor(120, TimeUnit.SECONDS) ? new String(b, StandardCharsets.UTF_8) : null;
  }

  private static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
