package dev.livelink.store;

import java.util.List;

/** A kept version without its nodes: what routing acks and catch-up needs. */
public record VersionHeader(String scene, int number, Origin origin, List<Target> targets, long publishedAtMillis) {
  public String sender() {
    return origin.peer();
  }
}
