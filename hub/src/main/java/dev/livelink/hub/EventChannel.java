package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Server-Sent Events stream of one peer: events queue up here and the stream's own thread writes them. A
 * comment line goes out when the queue stays empty for a heartbeat interval, so a closed socket is noticed.
 *
 * <p>The queue is bounded in bytes ({@link Limits#peerQueueBytes}): a peer that does not read its stream cannot make
 * the hub hold its events without end. {@link #offer} says when the bound is passed, and the caller drops the peer
 * with {@link #bye}, whose {@code bye} event the stream writes last if the peer still takes it. A {@code peers}
 * event replaces one still queued, since only the latest list matters.
 */
final class EventChannel {
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPENING = ": livelink\n\n".getBytes(StandardCharsets.US_ASCII);

  /** A queued frame; the {@code peers} one is replaced in place by a newer list. */
  private static final class Slot {
    byte[] frame;
    final boolean peers;

    Slot(byte[] frame, boolean peers) {
      this.frame = frame;
      this.peers = peers;
    }
  }

  private final long limitBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private long queuedBytes;
  private Slot queuedPeers;
  private boolean ended;
  private byte[] last;
  private Watchdog.Guard writer;

  EventChannel(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  /** One SSE frame: {@code event: <name>\ndata: <json>\n\n}. Made once per event, whatever the number of peers. */
  static byte[] frame(String event, JsonNode data) {
    byte[] json = Json.bytes(data);
    ByteArrayOutputStream b = new ByteArrayOutputStream(json.length + event.length() + 16);
    b.writeBytes(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
    b.writeBytes(json);
    b.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  /**
   * Queues a frame. The first frame of an empty queue is always taken, whatever its size (a hello naming many
   * scenes), so only a backlog overflows.
   *
   * @return false when the frame would take the queue past its bound (the frame is not queued)
   */
  boolean offer(byte[] frame) {
    return add(frame, false);
  }

  /** Queues a {@code peers} frame, replacing one not yet written. @return false as {@link #offer} */
  boolean offerPeers(byte[] frame) {
    return add(frame, true);
  }

  private boolean add(byte[] frame, boolean peers) {
    lock.lock();
    try {
      if (ended) {
        return true;
      }
      if (peers && queuedPeers != null) {
        queuedBytes += frame.length - queuedPeers.frame.length;
        queuedPeers.frame = frame;
        return true;
      }
      if (!queue.isEmpty() && queuedBytes + frame.length > limitBytes) {
        return false;
      }
      Slot s = new Slot(frame, peers);
      queue.add(s);
      queuedBytes += frame.length;
      if (peers) {
        queuedPeers = s;
      }
      ready.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes waiting now. */
  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream after the frames queued so far, with no last word (the peer said goodbye, the hub stops). */
  void close() {
    end(null, false);
  }

  /**
   * Ends the stream with a final {@code bye} event saying why, dropping what is still queued (the peer is gone from
   * the hub's point of view). A writer blocked on a peer that does not read gets the drain limit to finish.
   */
  void bye(String reason) {
    end(frame("bye", Json.object().put("reason", reason)), true);
  }

  private void end(byte[] lastFrame, boolean dropQueued) {
    Watchdog.Guard w;
    lock.lock();
    try {
      if (ended) {
        return;
      }
      ended = true;
      last = lastFrame;
      if (dropQueued) {
        queue.clear();
        queuedBytes = 0;
        queuedPeers = null;
      }
      w = writer;
      ready.signal();
    } finally {
      lock.unlock();
    }
    if (w != null && dropQueued) {
      w.hurry();
    }
  }

  /**
   * Writes events until the stream ends ({@link #close()}, {@link #bye}) or the socket fails; every write is
   * guarded by {@code guard}, so a peer that stops taking bytes is cut after the write-stall limit.
   */
  void pump(OutputStream out, long heartbeatMillis, Watchdog.Guard guard) throws IOException, InterruptedException {
    boolean hurry;
    lock.lock();
    try {
      writer = guard;
      hurry = ended && last != null;
    } finally {
      lock.unlock();
    }
    if (hurry) {
      guard.hurry();
    }
    write(out, guard, List.of(OPENING));
    List<byte[]> batch = new ArrayList<>();
    while (true) {
      byte[] finalFrame = null;
      boolean done = false;
      batch.clear();
      lock.lock();
      try {
        if (queue.isEmpty() && !ended) {
          ready.await(heartbeatMillis, TimeUnit.MILLISECONDS);
        }
        // Take what queued meanwhile before one flush: a publish to many nodes is one TCP write.
        for (Slot s; (s = queue.poll()) != null; ) {
          batch.add(s.frame);
          queuedBytes -= s.frame.length;
        }
        queuedPeers = null;
        if (ended) {
          done = true;
          finalFrame = last;
        }
      } finally {
        lock.unlock();
      }
      if (finalFrame != null) {
        batch.add(finalFrame);
      }
      if (batch.isEmpty()) {
        if (done) {
          return;
        }
        batch.add(PING);
      }
      write(out, guard, batch);
      if (done) {
        return;
      }
    }
  }

  private static void write(OutputStream out, Watchdog.Guard guard, List<byte[]> frames) throws IOException {
    guard.arm(Watchdog.Phase.WRITE);
    try {
      for (byte[] f : frames) {
        out.write(f);
      }
      out.flush();
    } finally {
      guard.disarm();
    }
  }
}
