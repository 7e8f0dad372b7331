package dev.livelink.cli;

import dev.livelink.runtime.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Blender add-on as one zip, {@code livelink_blender-<version>.zip}, holding the folder {@code livelink_blender/}.
 *
 * <p>One zip serves both kinds of Blender. Blender 4.2+ (Get Extensions &gt; Install from Disk, or {@code blender
 * --command extension install-file}) finds the manifest at the root or inside a single top folder: {@code
 * pkg_zipfile_detect_subdir_or_none} in {@code scripts/addons_core/bl_pkg/cli/blender_ext.py}, which then makes that
 * folder the root ({@code zipfile_make_root_directory}). Blender 3.x (Preferences &gt; Add-ons &gt; Install)
 * extracts the zip into its add-ons folder, so the top folder becomes the module {@code livelink_blender}.
 *
 * <p>The bytes depend only on the files' names and contents: entries sorted by name, one fixed timestamp, no
 * directory entries, so two runs over the same tree give the same zip.
 */
final class BlenderPackage {
  /** The add-on in the checkout. */
  static final String SOURCE = "connectors/blender/livelink_blender";
  static final String MANIFEST = "blender_manifest.toml";
  /** The earliest time a zip's MS-DOS date can hold; local time, so the bytes do not depend on the time zone. */
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  private static final Pattern VERSION = Pattern.compile("^version\\s*=\\s*\"([^\"]+)\"\\s*(?:#.*)?$");

  private BlenderPackage() {}

  /**
   * The version in the add-on's {@code blender_manifest.toml}: its top-level {@code version = "x.y.z"}, before the
   * first {@code [table]}.
   */
  static String version(Path addon) throws IOException {
    Path manifest = addon.resolve(MANIFEST);
    for (String line : Files.readAllLines(manifest)) {
      String l = line.strip();
      if (l.startsWith("[")) {
        break;
      }
      Matcher m = VERSION.matcher(l);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new IOException(manifest + " has no top-level version = \"x.y.z\"");
  }

  /** The zip's file name for this add-on: {@code livelink_blender-0.1.0.zip}. */
  static String fileName(Path addon) throws IOException {
    return addon.getFileName() + "-" + version(addon) + ".zip";
  }

  /**
   * Writes the zip into {@code dir} (made when missing), replacing one of the same name.
   *
   * @return the zip's absolute path
   */
  static Path write(Path addon, Path dir) throws IOException {
    Path zip = dir.toAbsolutePath().normalize().resolve(fileName(addon));
    AtomicFiles.write(zip, zip(addon), false);
    return zip;
  }

  /**
   * The zip's bytes. Links are followed (the shared Python client may be linked into the add-on); {@code
   * __pycache__/} and {@code *.pyc} are left out, as the manifest's {@code paths_exclude_pattern} says.
   */
  static byte[] zip(Path addon) throws IOException {
    String top = addon.getFileName().toString();
    TreeMap<String, Path> entries = new TreeMap<>();
    try (Stream<Path> s = Files.walk(addon, FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path rel = addon.relativize(p);
        if (excluded(rel)) {
          continue;
        }
        StringBuilder name = new StringBuilder(top);
        rel.forEach(part -> name.append('/').append(part));
        entries.put(name.toString(), p);
      }
    }
    if (!entries.containsKey(top + "/" + MANIFEST)) {
      throw new IOException("no " + MANIFEST + " in " + addon);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (var e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTimeLocal(FIXED_TIME);
        z.putNextEntry(entry);
        z.write(Files.readAllBytes(e.getValue()));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static boolean excluded(Path rel) {
    for (Path part : rel) {
      if (part.toString().equals("__pycache__")) {
        return true;
      }
    }
    return rel.getFileName().toString().endsWith(".pyc");
  }
}
