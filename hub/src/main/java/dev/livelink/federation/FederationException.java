package dev.livelink.federation;

/** A federation setting or message that cannot be used; the message quotes it. */
public final class FederationException extends RuntimeException {
  public FederationException(String message) {
    super(message);
  }

  public FederationException(String message, Throwable cause) {
    super(message, cause);
  }
}
