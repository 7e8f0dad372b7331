package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code livelink package blender} and the zip it writes. */
class PackageCommandTest {
  @TempDir Path dir;
  Path root;
  Path addon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** A checkout whose add-on holds a manifest, code in a subfolder and the caches Python leaves behind. */
  @BeforeEach
  void checkout() throws IOException {
    root = dir.resolve("checkout");
    addon = Files.createDirectories(root.resolve(BlenderPackage.SOURCE));
    Files.writeString(addon.resolve("__init__.py"), "bl_info = {\"version\": (0, 1, 0)}\n");
    Files.writeString(addon.resolve("blender_manifest.toml"), "schema_version = \"1.0.0\"\nid = \"livelink_blender\"\n"
        + "version = \"0.1.0\"  # as bl_info\n\n[build]\nversion = \"9.9.9\"\n");
    Files.createDirectories(addon.resolve("net/__pycache__"));
    Files.writeString(addon.resolve("net/link.py"), "# link\n");
    Files.writeString(addon.resolve("net/__pycache__/link.cpython-311.pyc"), "cache");
    Files.createDirectories(addon.resolve("__pycache__"));
    Files.writeString(addon.resolve("__pycache__/__init__.cpython-311.pyc"), "cache");
    Files.writeString(addon.resolve("stray.pyc"), "cache");
  }

  int run(String... args) {
    return Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), args);
  }

  static List<ZipEntry> entries(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      return new ArrayList<>(z.stream().toList());
    }
  }

  @Test
  void theZipHoldsOneTopFolderWithoutPythonCaches() throws Exception {
    Path zip = BlenderPackage.write(addon, dir.resolve("out"));
    assertThat(zip).isEqualTo(dir.resolve("out/livelink_blender-0.1.0.zip"));
    assertThat(entries(zip)).extracting(ZipEntry::getName).containsExactly("livelink_blender/__init__.py",
        "livelink_blender/blender_manifest.toml", "livelink_blender/net/link.py");
    assertThat(entries(zip)).extracting(ZipEntry::getTimeLocal).containsOnly(LocalDateTime.of(1980, 1, 1, 0, 0));
    try (ZipFile z = new ZipFile(zip.toFile())) {
      assertThat(z.getInputStream(z.getEntry("livelink_blender/net/link.py")).readAllBytes())
          .isEqualTo("# link\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void twoRunsGiveTheSameBytesWhateverTheFilesTimes() throws Exception {
    byte[] first = Files.readAllBytes(BlenderPackage.write(addon, dir.resolve("a")));
    Files.setLastModifiedTime(addon.resolve("net/link.py"), FileTime.fromMillis(1_700_000_000_000L));
    Files.setLastModifiedTime(addon.resolve("__init__.py"), FileTime.fromMillis(0));
    byte[] second = Files.readAllBytes(BlenderPackage.write(addon, dir.resolve("b")));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void theVersionIsTheManifestsTopLevelOne() throws Exception {
    assertThat(BlenderPackage.version(addon)).isEqualTo("0.1.0");
    Files.writeString(addon.resolve("blender_manifest.toml"), "id = \"livelink_blender\"\n[build]\nversion = \"1\"\n");
    assertThatThrownBy(() -> BlenderPackage.version(addon)).isInstanceOf(IOException.class)
        .hasMessage(addon.resolve("blender_manifest.toml") + " has no top-level version = \"x.y.z\"");
  }

  @Test
  void theCommandWritesIntoOutputAndPrintsThePath() {
    String before = System.getProperty("livelink.root");
    System.setProperty("livelink.root", root.toString());
    try {
      assertThat(run("package", "blender", "--output", dir.resolve("dist").toString())).isEqualTo(0);
    } finally {
      if (before == null) {
        System.clearProperty("livelink.root");
      } else {
        System.setProperty("livelink.root", before);
      }
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(dir.resolve("dist/livelink_blender-0.1.0.zip") + "\n");
    assertThat(dir.resolve("dist/livelink_blender-0.1.0.zip")).isRegularFile();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void anUnknownApplicationIsAUsageErrorOfOneLine() {
    assertThat(run("package", "maya")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("livelink: unknown application \"maya\" (expected blender) (see livelink --help)\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void noApplicationIsAUsageErrorOfOneLine() {
    assertThat(run("package")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("livelink: Missing required parameter: 'APP' (see livelink --help)\n");
  }

  @Test
  void helpSaysWhereTheZipGoes() {
    assertThat(run("package", "--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: livelink package [-h] [-o=DIR] APP\n")
        .contains("Get Extensions > Install from Disk");
  }

  /** The real add-on: the manifest's version is bl_info's, and the zip holds what Blender needs. */
  @Test
  void theRealAddonPackagesWithTheVersionOfBlInfo() throws Exception {
    Path real = Path.of("..").resolve(BlenderPackage.SOURCE).toAbsolutePath().normalize();
    Matcher m = Pattern.compile("\"version\": \\((\\d+), (\\d+), (\\d+)\\)")
        .matcher(Files.readString(real.resolve("__init__.py")));
    assertThat(m.find()).isTrue();
    assertThat(BlenderPackage.version(real)).isEqualTo(m.group(1) + "." + m.group(2) + "." + m.group(3));
    Path zip = BlenderPackage.write(real, dir);
    assertThat(entries(zip)).extracting(ZipEntry::getName).contains("livelink_blender/__init__.py",
        "livelink_blender/blender_manifest.toml").allMatch(n -> n.startsWith("livelink_blender/")
            && !n.contains("__pycache__") && !n.endsWith(".pyc"));
  }
}
