package dev.livelink.format;

/**
 * A mesh file that cannot be read. The message names the file and where in it: {@code file:line: what in "text"}
 * for text, {@code file: at byte N: what} for binary and {@code file: at /json/pointer: what} for glTF JSON. The
 * readers throw nothing else for a bad file (an {@link java.io.IOException} means the file itself could not be
 * opened).
 */
public final class FormatException extends RuntimeException {
  public FormatException(String message) {
    super(message);
  }

  /** An error at a byte offset of a binary file. */
  static FormatException atByte(String file, long offset, String what) {
    return new FormatException(file + ": at byte " + offset + ": " + what);
  }

  /** An error at a JSON pointer (RFC 6901) of a glTF document. */
  static FormatException at(String file, String pointer, String what) {
    return new FormatException(file + ": at " + (pointer.isEmpty() ? "/" : pointer) + ": " + what);
  }
}
