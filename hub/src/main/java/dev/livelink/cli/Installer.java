package dev.livelink.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * Installs the connectors: the Blender add-on (as an extension on Blender 4.2+, copied into the add-ons folders of
 * older versions) and the FreeCAD Mod, and records the launcher in {@code LIVELINK_HOME/install.json} so the
 * connectors can start the hub. Everything it reads from the machine comes from its {@link Environment}.
 */
final class Installer {
  private static final Pattern VERSION = Pattern.compile("(?m)^(?:Blender|FreeCAD) (\\d+\\.\\d+)");
  /** Blender saving its preferences takes seconds; two minutes means it hangs (a dialog, a stuck GPU driver). */
  static final Duration TIMEOUT = Duration.ofSeconds(120);
  /** The repository Blender 4.2+ creates for extensions installed from disk; its module is bl_ext.user_default. */
  static final String EXTENSION_REPO = "user_default";
  private static final String ADDON = "livelink_blender";
  private static final String EXTENSION_MODULE = "bl_ext." + EXTENSION_REPO + "." + ADDON;
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
    return new Installer(checkoutRoot(), Environment.system(), out);
  }

  /** The livelink checkout the ./livelink launcher runs from. */
  static Path checkoutRoot() {
    String r = System.getProperty("livelink.root");
    if (r == null) {
      throw new IllegalStateException("livelink.root is not set: run livelink through the ./livelink launcher");
    }
    return Path.of(r);
  }

  private void recordLauncher() throws IOException {
    ObjectNode o = Json.object();
    o.put("launcher", root.resolve("livelink").toString()).put("root", root.toString());
    AtomicFiles.write(env.livelinkHome().resolve("install.json"), Json.bytes(o), false);
  }

  /** Blender 4.2 brought extensions; older versions only know add-ons copied into scripts/addons. */
  static boolean takesExtensions(String version) {
    String[] v = version.split("\\.");
    int major = Integer.parseInt(v[0]);
    return major > 4 || major == 4 && Integer.parseInt(v[1]) >= 2;
  }

  /**
   * Installs the add-on. The Blender on PATH, when it is 4.2+, gets the extension through its own installer; the
   * add-ons folder of every older version gets a copy (only BLENDER_USER_SCRIPTS/addons when that is set). Config
   * folders of other 4.2+ versions are skipped: only that Blender can install its extension.
   */
  boolean blender() throws IOException, InterruptedException {
    String running = version("blender", "--version");
    boolean extension = running != null && takesExtensions(running);
    String scripts = env.get("BLENDER_USER_SCRIPTS");
    Path config = env.userHome().resolve(".config/blender");
    List<Path> addonDirs = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (scripts != null) {
      if (!extension) {
        addonDirs.add(Path.of(scripts, "addons"));
      }
    } else {
      List<String> versions = new ArrayList<>();
      if (Files.isDirectory(config)) {
        try (Stream<Path> s = Files.list(config)) {
          s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.\\d+")).sorted()
              .forEach(versions::add);
        }
      }
      if (running != null && !versions.contains(running)) {
        versions.add(running);
      }
      for (String v : versions) {
        if (!takesExtensions(v)) {
          addonDirs.add(config.resolve(v).resolve("scripts/addons"));
        } else if (!v.equals(running)) {
          skipped.add(v);
        }
      }
    }
    for (String v : skipped) {
      out.println("blender: skipped " + config.resolve(v) + ": Blender " + v + " takes the extension; run install "
          + "with that Blender on PATH, or install the zip from livelink package blender");
    }
    if (addonDirs.isEmpty() && !extension) {
      if (skipped.isEmpty()) {
        out.println("blender: no Blender found (not on PATH, no ~/.config/blender); skipped");
      }
      return false;
    }
    recordLauncher();
    Path source = root.resolve(BlenderPackage.SOURCE);
    for (Path dir : addonDirs) {
      copyTree(source, dir.resolve(ADDON));
      out.println("blender: add-on installed in " + dir.resolve(ADDON));
    }
    if (extension) {
      Path legacyScripts = scripts != null ? Path.of(scripts) : config.resolve(running).resolve("scripts");
      return installExtension(running, legacyScripts.resolve("addons").resolve(ADDON)) || !addonDirs.isEmpty();
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

  /**
   * Installs the add-on as an extension of the Blender on PATH (4.2+): the package zip goes through {@code blender
   * --command extension install-file --enable}, which also saves the preferences. A second Blender then reads the
   * saved preferences back, so "enabled" is said only when the next start will have it, and drops a legacy
   * {@code livelink_blender} an earlier install left enabled.
   *
   * @param legacy where an earlier install copied the add-on for this version; removed first, as Blender would
   *     otherwise load both and the second registration of the same classes would fail
   * @return whether the extension is installed and enabled
   */
  private boolean installExtension(String version, Path legacy) throws IOException, InterruptedException {
    if (Files.exists(legacy, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(legacy);
      out.println("blender: removed the legacy add-on " + legacy + " (Blender " + version + " loads the extension)");
    }
    Path source = root.resolve(BlenderPackage.SOURCE);
    String zipName = BlenderPackage.fileName(source);
    Path tmp = Files.createTempDirectory("livelink-blender-");
    Result installed;
    try {
      Path zip = BlenderPackage.write(source, tmp);
      // --command consumes every argument after it (blender --help); install-file takes -r/--repo, -e/--enable.
      installed = run("blender --command extension install-file", List.of("blender", "--background", "--command",
          "extension", "install-file", "--repo", EXTENSION_REPO, "--enable", zip.toString()));
    } finally {
      deleteTree(tmp);
    }
    String advice = "; install " + zipName + " from livelink package blender with Get Extensions > Install from Disk";
    if (installed.exitCode() != 0) {
      out.println("blender: could not install the extension in Blender " + version + " (exit "
          + installed.exitCode() + said(installed.output()) + ")" + advice);
      return false;
    }
    int rc = run("blender -b (checking the extension is enabled)", List.of("blender", "-b", "--python-exit-code",
        "1", "--python-expr", String.join("\n",
            "import addon_utils, bpy, sys",
            "addons = bpy.context.preferences.addons",
            "if '" + ADDON + "' in addons:",
            "    addon_utils.disable('" + ADDON + "', default_set=True)",
            "    bpy.ops.wm.save_userpref()",
            "sys.exit(0 if '" + EXTENSION_MODULE + "' in addons else 3)"))).exitCode();
    if (rc != 0) {
      // install-file exits 0 on some failures (an unknown --repo, for one), so its output says why.
      out.println("blender: the extension is not enabled in Blender " + version + " (check exit " + rc
          + said(installed.output()) + ")" + advice);
      return false;
    }
    out.println("blender: extension " + EXTENSION_MODULE + " installed in Blender " + version + ", enabled and "
        + "preferences saved");
    return true;
  }

  /**
   * ": " and the last line a Blender printed besides its banner ("Blender 4.3.2", "Blender quit"), which it may
   * print after the error; "" when there is none.
   */
  private static String said(String output) {
    List<String> lines = output.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.matches("Blender (quit|\\d+\\.\\d+.*)")).toList();
    return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1);
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
    deleteTree(to);
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

  /** Deletes a file or a folder with everything in it; nothing when it does not exist. */
  private static void deleteTree(Path path) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(path)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
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
