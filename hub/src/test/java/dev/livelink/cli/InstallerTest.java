package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer on a made-up machine: a temp home, programs on PATH that a fake runner answers for. */
class InstallerTest {
  @TempDir Path dir;
  Path root;
  Path userHome;
  Path bin;
  Path livelinkHome;
  final Map<String, String> vars = new HashMap<>();
  final StringWriter out = new StringWriter();
  /** Every command the installer started, in order. */
  final List<List<String>> started = new ArrayList<>();
  /** The entries of the zip each install-file run was given, read then: the installer deletes it after. */
  final List<List<String>> zipsSeen = new ArrayList<>();

  /** A child that finished with {@code exit}, or with {@code exit} null one that never finishes until killed. */
  static final class FakeProcess extends Process {
    final Integer exit;
    boolean killed;

    FakeProcess(Integer exit) {
      this.exit = exit;
    }

    /** A child that never finishes is still running when any wait ends: answered at once, not after the wait. */
    @Override
    public boolean waitFor(long timeout, TimeUnit unit) {
      return exit != null;
    }

    @Override
    public int waitFor() {
      if (exit == null) {
        throw new AssertionError("the installer waited without a timeout on a child that never finishes");
      }
      return exit;
    }

    @Override
    public int exitValue() {
      if (exit == null) {
        throw new IllegalThreadStateException("still running");
      }
      return exit;
    }

    @Override
    public Process destroyForcibly() {
      killed = true;
      return this;
    }

    @Override
    public void destroy() {
      killed = true;
    }

    @Override
    public boolean isAlive() {
      return exit == null && !killed;
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }
  }

  /** What a program prints and how it ends. */
  record Answer(String output, FakeProcess process) {
    static Answer exits(int code, String output) {
      return new Answer(output, new FakeProcess(code));
    }
  }

  @BeforeEach
  void machine() throws IOException {
    root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("connectors/blender/livelink_blender/__pycache__"));
    Files.writeString(root.resolve("connectors/blender/livelink_blender/__init__.py"), "bl_info = {}\n");
    Files.writeString(root.resolve("connectors/blender/livelink_blender/__pycache__/x.pyc"), "stale");
    Files.writeString(root.resolve("connectors/blender/livelink_blender/blender_manifest.toml"),
        "id = \"livelink_blender\"\nversion = \"0.1.0\"\n");
    Files.createDirectories(root.resolve("connectors/freecad/LiveLink"));
    Files.writeString(root.resolve("connectors/freecad/LiveLink/InitGui.py"), "# gui\n");
    userHome = Files.createDirectories(dir.resolve("home/ann"));
    bin = Files.createDirectories(dir.resolve("bin"));
    livelinkHome = dir.resolve("livelink-home");
    vars.put("PATH", bin.toString());
    vars.put("LIVELINK_HOME", livelinkHome.toString());
  }

  /** Puts {@code name} on PATH; the fake runner, not this file, answers when it is started. */
  void onPath(String name) throws IOException {
    Path exe = Files.writeString(bin.resolve(name), "#!/bin/sh\nexit 99\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Installer installer(Function<List<String>, Answer> programs) {
    ProcessRunner runner = (command, output) -> {
      started.add(command);
      Answer a = programs.apply(command);
      Files.writeString(output, a.output());
      return a.process();
    };
    return new Installer(root, new Environment(vars, userHome, "Linux", runner), new PrintWriter(out, true));
  }

  /** Blender {@code version}: answers --version, and ends every other run with {@code exit}. */
  static Answer blender(List<String> command, String version, int exit) {
    return command.get(1).equals("--version") ? Answer.exits(0, "Blender " + version + "\nbuild date: 2024-08-19\n")
        : Answer.exits(exit, "");
  }

  static Answer blender(List<String> command, int enableExit) {
    return blender(command, "3.4.1", enableExit);
  }

  @Test
  void blender34OnPathGetsTheLegacyAddonInItsVersionFolderEnabled() throws Exception {
    onPath("blender");
    assertThat(installer(c -> blender(c, 0)).blender()).isTrue();
    Path addon = userHome.resolve(".config/blender/3.4/scripts/addons/livelink_blender");
    assertThat(addon.resolve("__init__.py")).hasContent("bl_info = {}");
    assertThat(addon.resolve("__pycache__")).doesNotExist();
    assertThat(out.toString()).isEqualTo("blender: add-on installed in " + addon + "\n"
        + "blender: add-on enabled and preferences saved\n");
    assertThat(started).extracting(c -> c.subList(0, 2))
        .containsExactly(List.of("blender", "--version"), List.of("blender", "-b"));
    assertThat(started.get(1)).contains("--python-expr");
    assertThat(started.get(1).get(started.get(1).size() - 1))
        .contains("addon_utils.enable('livelink_blender', default_set=True, persistent=True)");
    var install = Json.parseObject(Files.readAllBytes(livelinkHome.resolve("install.json")));
    assertThat(install.get("launcher").asText()).isEqualTo(root.resolve("livelink").toString());
  }

  Answer blender43(List<String> command, int installExit, String installOutput, int checkExit) {
    if (command.get(1).equals("--version")) {
      return Answer.exits(0, "Blender 4.3.2\nbuild date: 2024-12-16\n");
    }
    if (command.contains("install-file")) {
      try (var zip = new java.util.zip.ZipFile(command.get(command.size() - 1))) {
        zipsSeen.add(zip.stream().map(java.util.zip.ZipEntry::getName).toList());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return Answer.exits(installExit, installOutput);
    }
    return Answer.exits(checkExit, "");
  }

  @Test
  void blender43GetsTheExtensionThroughInstallFileAndItIsCheckedEnabled() throws Exception {
    onPath("blender");
    assertThat(installer(c -> blender43(c, 0, "", 0)).blender()).isTrue();
    assertThat(started).hasSize(3);
    assertThat(started.get(0)).containsExactly("blender", "--version");
    List<String> install = started.get(1);
    Path zip = Path.of(install.get(install.size() - 1));
    assertThat(install).containsExactly("blender", "--background", "--command", "extension", "install-file",
        "--repo", "user_default", "--enable", zip.toString());
    assertThat(zip.getFileName()).hasToString("livelink_blender-0.1.0.zip");
    assertThat(zip).doesNotExist();
    assertThat(zipsSeen).containsExactly(List.of("livelink_blender/__init__.py",
        "livelink_blender/blender_manifest.toml"));
    List<String> check = started.get(2);
    assertThat(check.subList(0, 5)).containsExactly("blender", "-b", "--python-exit-code", "1", "--python-expr");
    assertThat(check.get(5)).contains("'bl_ext.user_default.livelink_blender' in addons")
        .contains("addon_utils.disable('livelink_blender', default_set=True)");
    assertThat(out.toString()).isEqualTo("blender: extension bl_ext.user_default.livelink_blender installed in "
        + "Blender 4.3, enabled and preferences saved\n");
    assertThat(userHome.resolve(".config/blender/4.3/scripts/addons/livelink_blender")).doesNotExist();
    assertThat(livelinkHome.resolve("install.json")).exists();
  }

  @Test
  void aLegacyCopyAnEarlierInstallLeftIsRemovedBeforeTheExtensionIsInstalled() throws Exception {
    onPath("blender");
    Path legacy = Files.createDirectories(userHome.resolve(".config/blender/4.3/scripts/addons/livelink_blender"));
    Files.writeString(legacy.resolve("__init__.py"), "old");
    installer(c -> {
      if (c.contains("install-file")) {
        assertThat(legacy).doesNotExist();
      }
      return blender43(c, 0, "", 0);
    }).blender();
    assertThat(legacy).doesNotExist();
    assertThat(out.toString()).isEqualTo("blender: removed the legacy add-on " + legacy + " (Blender 4.3 loads the "
        + "extension)\n"
        + "blender: extension bl_ext.user_default.livelink_blender installed in Blender 4.3, enabled and "
        + "preferences saved\n");
  }

  @Test
  void olderConfigFoldersGetTheLegacyCopyAndOther42FoldersAreSkipped() throws Exception {
    onPath("blender");
    Files.createDirectories(userHome.resolve(".config/blender/3.6"));
    Files.createDirectories(userHome.resolve(".config/blender/4.2"));
    Files.createDirectories(userHome.resolve(".config/blender/4.3"));
    assertThat(installer(c -> blender43(c, 0, "", 0)).blender()).isTrue();
    Path legacy = userHome.resolve(".config/blender/3.6/scripts/addons/livelink_blender");
    assertThat(legacy.resolve("__init__.py")).exists();
    assertThat(userHome.resolve(".config/blender/4.2/scripts")).doesNotExist();
    assertThat(out.toString()).isEqualTo("blender: skipped " + userHome.resolve(".config/blender/4.2") + ": Blender "
        + "4.2 takes the extension; run install with that Blender on PATH, or install the zip from livelink "
        + "package blender\n"
        + "blender: add-on installed in " + legacy + "\n"
        + "blender: extension bl_ext.user_default.livelink_blender installed in Blender 4.3, enabled and "
        + "preferences saved\n");
  }

  /** What Blender 4.3.2 printed when the add-on could not be enabled: the error comes before its banner. */
  @Test
  void anExtensionBlenderRefusedIsReportedWithItsError() throws Exception {
    onPath("blender");
    String said = "STATUS Installed \"livelink_blender\"\n"
        + "Error: No module named 'bl_ext.user_default.livelink_blender.blender'\nBlender 4.3.2\n";
    assertThat(installer(c -> blender43(c, 1, said, 0)).blender()).isFalse();
    assertThat(started).hasSize(2);
    assertThat(out.toString()).isEqualTo("blender: could not install the extension in Blender 4.3 (exit 1: Error: "
        + "No module named 'bl_ext.user_default.livelink_blender.blender'); install livelink_blender-0.1.0.zip from "
        + "livelink package blender with Get Extensions > Install from Disk\n");
  }

  /** What Blender 4.3.2 printed, exiting 0, for an unknown repository: only the check tells. */
  @Test
  void anExtensionNotEnabledAfterInstallIsSaidWithWhatInstallFilePrinted() throws Exception {
    onPath("blender");
    String said = "Blender 4.3.2\nConverting py args to operator properties: enum \"user_default\" not found in "
        + "('blender_org')\n";
    assertThat(installer(c -> blender43(c, 0, said, 3)).blender()).isFalse();
    assertThat(out.toString()).isEqualTo("blender: the extension is not enabled in Blender 4.3 (check exit 3: "
        + "Converting py args to operator properties: enum \"user_default\" not found in ('blender_org')); install "
        + "livelink_blender-0.1.0.zip from livelink package blender with Get Extensions > Install from Disk\n");
  }

  @Test
  void blenderUserScriptsIsLeftAloneWhenTheBlenderOnPathTakesExtensions() throws Exception {
    onPath("blender");
    vars.put("BLENDER_USER_SCRIPTS", dir.resolve("scripts").toString());
    installer(c -> blender43(c, 0, "", 0)).blender();
    assertThat(dir.resolve("scripts/addons/livelink_blender")).doesNotExist();
    assertThat(started.get(1)).contains("install-file");
  }

  @Test
  void anAddonBlenderCouldNotEnableIsReportedWithTheExitCode() throws Exception {
    onPath("blender");
    installer(c -> blender(c, 3)).blender();
    assertThat(out.toString()).endsWith("blender: could not enable the add-on (exit 3); enable \"Live Link\" in "
        + "Preferences > Add-ons\n");
  }

  @Test
  void aBlenderThatNeverAnswersIsKilledWithAOneLineError() throws Exception {
    onPath("blender");
    FakeProcess hanging = new FakeProcess(null);
    Installer installer = installer(c -> new Answer("", hanging));
    assertThatThrownBy(installer::blender).isInstanceOf(IOException.class)
        .hasMessage("\"blender --version\" did not finish within 120 s; killed it");
    assertThat(hanging.killed).isTrue();
    assertThat(livelinkHome.resolve("install.json")).doesNotExist();
  }

  @Test
  void blenderUserScriptsNamesTheAddonFolder() throws Exception {
    vars.put("BLENDER_USER_SCRIPTS", dir.resolve("scripts").toString());
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).blender()).isTrue();
    assertThat(dir.resolve("scripts/addons/livelink_blender/__init__.py")).exists();
  }

  @Test
  void configFoldersOfEveryBlenderVersionGetTheAddon() throws Exception {
    Files.createDirectories(userHome.resolve(".config/blender/3.6"));
    Files.createDirectories(userHome.resolve(".config/blender/4.1"));
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).blender()).isTrue();
    assertThat(userHome.resolve(".config/blender/3.6/scripts/addons/livelink_blender/__init__.py")).exists();
    assertThat(userHome.resolve(".config/blender/4.1/scripts/addons/livelink_blender/__init__.py")).exists();
  }

  @Test
  void only42ConfigFoldersAndNoBlenderOnPathInstallNothing() throws Exception {
    Files.createDirectories(userHome.resolve(".config/blender/4.3"));
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).blender()).isFalse();
    assertThat(out.toString()).isEqualTo("blender: skipped " + userHome.resolve(".config/blender/4.3") + ": Blender "
        + "4.3 takes the extension; run install with that Blender on PATH, or install the zip from livelink "
        + "package blender\n");
    assertThat(livelinkHome.resolve("install.json")).doesNotExist();
  }

  @Test
  void noBlenderIsSkippedAndSaid() throws Exception {
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).blender()).isFalse();
    assertThat(out.toString()).isEqualTo("blender: no Blender found (not on PATH, no ~/.config/blender); skipped\n");
    assertThat(livelinkHome.resolve("install.json")).doesNotExist();
  }

  @Test
  void freecadcmdNamesTheUserDataFolder() throws Exception {
    onPath("freecadcmd");
    Path data = dir.resolve("fc-data");
    assertThat(installer(c -> Answer.exits(0, "FreeCAD 0.21\nLLDIR=" + data + "\n")).freecad()).isTrue();
    assertThat(data.resolve("Mod/LiveLink/InitGui.py")).hasContent("# gui");
    assertThat(out.toString()).isEqualTo("freecad: Mod installed in " + data.resolve("Mod/LiveLink") + "\n");
    assertThat(started.get(0).subList(0, 2)).containsExactly("freecadcmd", "-c");
  }

  @Test
  void withoutFreecadcmdTheDefaultUserFolderIsUsed() throws Exception {
    Files.createDirectories(userHome.resolve(".local/share/FreeCAD"));
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).freecad()).isTrue();
    assertThat(userHome.resolve(".local/share/FreeCAD/Mod/LiveLink/InitGui.py")).exists();
  }

  @Test
  void noFreecadIsSkippedAndSaid() throws Exception {
    assertThat(installer(c -> { throw new AssertionError("started " + c); }).freecad()).isFalse();
    assertThat(out.toString()).isEqualTo("freecad: no FreeCAD found (no freecadcmd on PATH, no ~/.FreeCAD); "
        + "skipped\n");
  }
}
