package dev.livelink.format;

/** A mesh file that cannot be read; the message names the file and, for text formats, the line and its text. */
public final class FormatException extends RuntimeException {
  public FormatException(String message) {
    super(message);
  }
}
