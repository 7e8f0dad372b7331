package dev.livelink.sdk;

import java.util.List;

/** The hub could not be reached or refused a request; the message is the hub's own where it gave one. */
public final class ClientException extends RuntimeException {
  private final int status;
  private final List<String> missing;

  public ClientException(String message) {
    this(0, message, List.of());
  }

  public ClientException(int status, String message, List<String> missing) {
    super(message);
    this.status = status;
    this.missing = List.copyOf(missing);
  }

  /** HTTP status, or 0 when the hub did not answer. */
  public int status() {
    return status;
  }

  public List<String> missing() {
    return missing;
  }
}
