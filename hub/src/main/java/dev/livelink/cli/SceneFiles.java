package dev.livelink.cli;

import dev.livelink.export.ExportFormat;
import dev.livelink.export.Exports;
import dev.livelink.export.OutputFile;
import dev.livelink.export.Prepared;
import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where exported scenes go on disk: a file name for a scene id, a check that a folder takes files, the writes. */
final class SceneFiles {
  /** Names Windows reserves whatever the extension ({@code con.glb} is the console too). */
  private static final Pattern DEVICE = Pattern.compile("con|prn|aux|nul|com[0-9]|lpt[0-9]");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What an export wrote: the files (main last), the messages of what was left out, and the nodes written. */
  record Written(List<Path> files, List<String> skipped, int nodes) {}

  private SceneFiles() {}

  /**
   * Writes a fetched version as {@code dir/base.<extension>} (and its data files), leaving out what cannot be
   * written (see {@link Prepared}).
   *
   * @throws IOException naming the file that could not be written
   * @throws dev.livelink.export.ExportException naming the node the format cannot take
   */
  static Written export(SceneFetcher.Fetched f, ExportFormat format, Path dir, String base) throws IOException {
    Prepared p = Prepared.of(f.scene(), f.meshes()::get);
    List<Path> files = write(dir, Exports.write(p.scene(), f.meshes()::get, format, base));
    return new Written(files, p.skipped(), p.scene().nodes().size());
  }

  /**
   * The file name, without extension, for a scene id ({@code [A-Za-z0-9_.:-]{1,200}}). Kept readable, capitals
   * included (the hub refuses ids that differ only by case, so no two share a file on macOS or Windows): only
   * {@code :}, which Windows refuses, is written {@code %3A}, and a Windows device name gets its first letter
   * escaped ({@code %63on}), as {@link dev.livelink.store.FileNames} does for the store.
   */
  static String baseName(String sceneId) {
    String s = sceneId.replace(":", "%3A");
    if (DEVICE.matcher(s.toLowerCase(Locale.ROOT)).matches()) {
      s = String.format(Locale.ROOT, "%%%02X", (int) s.charAt(0)) + s.substring(1);
    }
    return s;
  }

  /**
   * Makes {@code dir} if it is missing and proves it takes files by writing and deleting one (the permission bits do
   * not tell: root passes them, a read-only mount does not).
   *
   * @throws IOException naming the folder and why it takes no files
   */
  static void checkWritable(Path dir) throws IOException {
    try {
      AtomicFiles.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, AtomicFiles.TEMP_PREFIX, ""));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("folder " + dir + " cannot be used: a file of that name is in the way");
    } catch (IOException | SecurityException e) {
      throw new IOException("folder " + dir + " is not writable: " + reason(e));
    }
  }

  /**
   * Writes the files of one export into {@code dir}: every one to a temp name first, then renamed in their order,
   * data files before the main file (see {@link OutputFile}), so the folder never holds half a file or a main file
   * whose data is not there. When a write fails, no file of the export is renamed and the temp files go.
   *
   * @return the paths written, the main file last
   */
  static List<Path> write(Path dir, List<OutputFile> files) throws IOException {
    List<Path> temps = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    try {
      for (OutputFile f : files) {
        // Not createTempFile: its files are private (0600), and these are the user's, made as the umask says.
        Path tmp = Files.createFile(dir.resolve(AtomicFiles.TEMP_PREFIX + Long.toHexString(RANDOM.nextLong()) + "-"
            + f.name()));
        temps.add(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer b = ByteBuffer.wrap(f.bytes());
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
      }
      for (int i = 0; i < files.size(); i++) {
        Path target = dir.resolve(files.get(i).name());
        try {
          Files.move(temps.get(i), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temps.get(i), target, StandardCopyOption.REPLACE_EXISTING);
        }
        written.add(target);
      }
    } catch (IOException e) {
      throw new IOException("cannot write " + dir.resolve(files.get(files.size() - 1).name()) + ": " + reason(e), e);
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
    AtomicFiles.syncDirectory(dir);
    return written;
  }

  /** An I/O failure in words: the JDK's message is often only the path. */
  private static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
