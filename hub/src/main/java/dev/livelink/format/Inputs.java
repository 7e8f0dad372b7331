package dev.livelink.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reading a mesh file and the files it names (an OBJ's mtllib, a glTF's buffers), with the two rules every reader
 * keeps: nothing is read outside the folder of the file that was given, and no file is larger than one Java array.
 */
final class Inputs {
  /** The largest array the JVM allocates (a few header words below Integer.MAX_VALUE). */
  static final int MAX_BYTES = Integer.MAX_VALUE - 8;
  // RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". Also matches a Windows drive "C:".
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:");

  private Inputs() {}

  /** The whole file, refused before reading when it is larger than one array can hold. */
  static byte[] readAll(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new FormatException(file.getFileName() + ": the file is " + size + " bytes; livelink reads files of up to "
          + MAX_BYTES + " bytes");
    }
    return Files.readAllBytes(file);
  }

  /** The folder of {@code file}, absolute, so that a bare name ("part.obj") still has one. */
  static Path folderOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent != null ? parent : file.toAbsolutePath().getRoot();
  }

  /**
   * Resolves {@code ref}, a path relative to {@code dir}, to an existing regular file inside {@code dir} (or below
   * it), following links only when where they lead is inside too.
   *
   * @throws Refused saying why, for the caller to report with its position
   */
  static Path inside(Path dir, String ref) throws Refused {
    if (ref.isEmpty()) {
      throw new Refused("is empty");
    }
    if (SCHEME.matcher(ref).find()) {
      throw new Refused("uses the scheme \"" + ref.substring(0, ref.indexOf(':') + 1)
          + "\"; livelink reads only data: URIs and files in the folder of the file");
    }
    if (ref.startsWith("/") || ref.startsWith("\\")) {
      throw new Refused("is an absolute path; livelink reads only files in the folder of the file");
    }
    Path base = dir.toAbsolutePath().normalize();
    Path p;
    try {
      p = base.resolve(ref).normalize();
    } catch (InvalidPathException e) {
      throw new Refused("is not a valid path");
    }
    if (!p.startsWith(base)) {
      throw new Refused("leads outside the folder of the file");
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused("does not exist");
    }
    Path real;
    try {
      real = p.toRealPath();
      if (!real.startsWith(base.toRealPath())) {
        throw new Refused("is a link that leads outside the folder of the file");
      }
    } catch (IOException e) {
      throw new Refused("is a link that leads nowhere");
    }
    if (!Files.isRegularFile(real)) {
      throw new Refused("is not a file");
    }
    return real;
  }

  /** Decodes the %XX escapes of a URI reference into UTF-8 text ("+" stays "+", unlike form encoding). */
  static String percentDecode(String uri) throws Refused {
    if (uri.indexOf('%') < 0) {
      return uri;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(uri.length());
    for (int i = 0; i < uri.length(); ) {
      int c = uri.codePointAt(i);
      if (c == '%') {
        int hi = i + 1 < uri.length() ? Character.digit(uri.charAt(i + 1), 16) : -1;
        int lo = i + 2 < uri.length() ? Character.digit(uri.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new Refused("has a malformed %-escape");
        }
        out.write(hi << 4 | lo);
        i += 3;
      } else {
        out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A reference that is not read; the message completes "the reference ...". */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }
}
