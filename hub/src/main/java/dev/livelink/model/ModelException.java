package dev.livelink.model;

/** A scene, node or mesh blob that breaks the model's rules; the message quotes the offending input. */
public final class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }
}
