package dev.livelink.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * Every limit the hub enforces, in one place; docs/protocol.md ("Limits") and docs/reliability.md explain each.
 * {@link #DEFAULTS} are chosen so that no user reaches them by accident; tests build tighter ones with
 * {@link #toBuilder()}.
 */
public final class Limits {
  public static final Limits DEFAULTS = new Builder().build();

  /** Body of {@code POST /v1/scenes}. */
  public final long maxSceneBody;
  /** Bodies of {@code POST /v1/blobs/missing} and {@code /v1/blobs/fetch} (lists of hashes). */
  public final long maxHashListBody;
  /** Bodies of everything else that takes JSON: registration, acks. */
  public final long maxSmallBody;
  /** One blob ({@code PUT /v1/blobs/{hash}}), and a whole batch ({@code POST /v1/blobs}). */
  public final long maxBlob;
  /** Nodes in one scene version. */
  public final int maxNodes;
  /** Registered peers. */
  public final int maxPeers;
  /** Bytes of events waiting for one peer's stream; past it the peer is dropped. */
  public final long peerQueueBytes;
  /** From a request's first byte to the end of its header. */
  public final Duration headerTimeout;
  /** The same while every request thread is busy and requests wait for one (a flood of half-sent requests). */
  public final Duration headerTimeoutBusy;
  /** Longest wait for the next byte of a request body. */
  public final Duration readIdleTimeout;
  /** Longest wait for the client to take the next bytes of a response or an event. */
  public final Duration writeStallTimeout;
  /** Longest wait for the next byte while discarding a body after an error, and for a final {@code bye}. */
  public final Duration drainTimeout;
  /**
   * Bytes of a refused body read and discarded after the answer, so that a client that writes its whole body before
   * reading (Python's http.client does) sees the 413 instead of a reset. Only for a caller that gave the token; a
   * stall while discarding is cut after {@link #drainTimeout}.
   */
  public final long maxDrain;
  /** How long a registered peer may go without an open event stream before it is removed. */
  public final Duration peerStreamGrace;
  /** Least time between two {@code peers} events; changes in between go out together. */
  public final Duration peersBroadcastInterval;
  /** Threads reading requests and answering them (event streams have their own, one per open stream). */
  public final int requestThreads;
  /** Requests waiting for a request thread; past it a new connection is closed at once. */
  public final int requestQueue;

  private Limits(Builder b) {
    maxSceneBody = b.maxSceneBody;
    maxHashListBody = b.maxHashListBody;
    maxSmallBody = b.maxSmallBody;
    maxBlob = b.maxBlob;
    maxNodes = b.maxNodes;
    maxPeers = b.maxPeers;
    peerQueueBytes = b.peerQueueBytes;
    headerTimeout = b.headerTimeout;
    headerTimeoutBusy = b.headerTimeoutBusy;
    readIdleTimeout = b.readIdleTimeout;
    writeStallTimeout = b.writeStallTimeout;
    drainTimeout = b.drainTimeout;
    maxDrain = b.maxDrain;
    peerStreamGrace = b.peerStreamGrace;
    peersBroadcastInterval = b.peersBroadcastInterval;
    requestThreads = b.requestThreads;
    requestQueue = b.requestQueue;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Gathers the limits; every setter starts from {@link #DEFAULTS}. */
  public static final class Builder {
    private long maxSceneBody = 64L << 20;
    private long maxHashListBody = 16L << 20;
    private long maxSmallBody = 64L << 10;
    private long maxBlob = 1L << 30;
    private int maxNodes = 100_000;
    private int maxPeers = 1000;
    private long peerQueueBytes = 4L << 20;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration headerTimeoutBusy = Duration.ofMillis(200);
    private Duration readIdleTimeout = Duration.ofSeconds(30);
    private Duration writeStallTimeout = Duration.ofSeconds(30);
    private Duration drainTimeout = Duration.ofSeconds(2);
    private long maxDrain = 4L << 30;
    private Duration peerStreamGrace = Duration.ofSeconds(30);
    private Duration peersBroadcastInterval = Duration.ofMillis(200);
    private int requestThreads = 64;
    private int requestQueue = 10_000;

    public Builder() {}

    private Builder(Limits l) {
      maxSceneBody = l.maxSceneBody;
      maxHashListBody = l.maxHashListBody;
      maxSmallBody = l.maxSmallBody;
      maxBlob = l.maxBlob;
      maxNodes = l.maxNodes;
      maxPeers = l.maxPeers;
      peerQueueBytes = l.peerQueueBytes;
      headerTimeout = l.headerTimeout;
      headerTimeoutBusy = l.headerTimeoutBusy;
      readIdleTimeout = l.readIdleTimeout;
      writeStallTimeout = l.writeStallTimeout;
      drainTimeout = l.drainTimeout;
      maxDrain = l.maxDrain;
      peerStreamGrace = l.peerStreamGrace;
      peersBroadcastInterval = l.peersBroadcastInterval;
      requestThreads = l.requestThreads;
      requestQueue = l.requestQueue;
    }

    public Builder maxSceneBody(long v) { maxSceneBody = positive(v, "maxSceneBody"); return this; }
    public Builder maxHashListBody(long v) { maxHashListBody = positive(v, "maxHashListBody"); return this; }
    public Builder maxSmallBody(long v) { maxSmallBody = positive(v, "maxSmallBody"); return this; }
    public Builder maxBlob(long v) { maxBlob = positive(v, "maxBlob"); return this; }
    public Builder maxNodes(int v) { maxNodes = (int) positive(v, "maxNodes"); return this; }
    public Builder maxPeers(int v) { maxPeers = (int) positive(v, "maxPeers"); return this; }
    public Builder peerQueueBytes(long v) { peerQueueBytes = positive(v, "peerQueueBytes"); return this; }
    public Builder headerTimeout(Duration v) { headerTimeout = positive(v, "headerTimeout"); return this; }
    public Builder headerTimeoutBusy(Duration v) { headerTimeoutBusy = positive(v, "headerTimeoutBusy"); return this; }
    public Builder readIdleTimeout(Duration v) { readIdleTimeout = positive(v, "readIdleTimeout"); return this; }
    public Builder writeStallTimeout(Duration v) { writeStallTimeout = positive(v, "writeStallTimeout"); return this; }
    public Builder drainTimeout(Duration v) { drainTimeout = positive(v, "drainTimeout"); return this; }
    public Builder maxDrain(long v) { maxDrain = v; return this; }
    public Builder peerStreamGrace(Duration v) { peerStreamGrace = positive(v, "peerStreamGrace"); return this; }
    public Builder peersBroadcastInterval(Duration v) { peersBroadcastInterval = Objects.requireNonNull(v); return this; }
    public Builder requestThreads(int v) { requestThreads = (int) positive(v, "requestThreads"); return this; }
    public Builder requestQueue(int v) { requestQueue = (int) positive(v, "requestQueue"); return this; }

    public Limits build() {
      if (maxBlob > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxBlob " + maxBlob + " does not fit in one array");
      }
      return new Limits(this);
    }

    private static long positive(long v, String what) {
      if (v <= 0) {
        throw new IllegalArgumentException(what + " " + v + " <= 0");
      }
      return v;
    }

    private static Duration positive(Duration v, String what) {
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException(what + " " + v + " <= 0");
      }
      return v;
    }
  }
}
