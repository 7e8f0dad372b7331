package dev.livelink.store;

import java.util.List;

/**
 * A publish the store refuses because of what it holds, not because of the request's form: blobs it lacks (listed in
 * {@link #missing()}), or a scene id that differs only by case from one it has. The hub answers 409.
 */
public final class StoreConflict extends StoreException {
  private final List<String> missing;

  public StoreConflict(String message, List<String> missing) {
    super(message);
    this.missing = List.copyOf(missing);
  }

  /** The blobs the store lacks, empty for any other conflict. */
  public List<String> missing() {
    return missing;
  }
}
