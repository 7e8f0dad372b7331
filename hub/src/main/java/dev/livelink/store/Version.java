package dev.livelink.store;

import dev.livelink.model.Scene;
import java.util.List;

/** A stored version: who sent it and to whom (targets null = every receiver). */
public record Version(int number, Scene scene, Origin origin, List<Target> targets, long publishedAtMillis) {
  /** The sending peer's id, or null when no registered peer sent it. */
  public String sender() {
    return origin.peer();
  }
}
