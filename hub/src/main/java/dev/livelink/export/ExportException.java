package dev.livelink.export;

/** A scene that cannot be written in the asked format; the message names the node or mesh. */
public final class ExportException extends RuntimeException {
  public ExportException(String message) {
    super(message);
  }
}
