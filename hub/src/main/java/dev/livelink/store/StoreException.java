package dev.livelink.store;

/** The on-disk store could not do what was asked; the message names the blob, scene or file. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
