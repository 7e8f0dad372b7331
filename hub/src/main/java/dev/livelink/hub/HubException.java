package dev.livelink.hub;

import java.util.List;

/** A request the hub refuses; carries the HTTP status and, for a publish, the blobs it lacks. */
public final class HubException extends RuntimeException {
  private final int status;
  private final List<String> missing;

  public HubException(int status, String message) {
    this(status, message, List.of());
  }

  public HubException(int status, String message, List<String> missing) {
    super(message);
    this.status = status;
    this.missing = List.copyOf(missing);
  }

  public int status() {
    return status;
  }

  public List<String> missing() {
    return missing;
  }
}
