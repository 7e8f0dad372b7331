package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /v1/hub/events}: the hub's own event stream, for the hub's page (or any tool holding the token). An
 * observer, not a peer: it receives no versions, is never a target and never counted as a receiver. Its first
 * event, {@code snapshot}, holds the hub's figures, the peers and every scene with its recent sends and acks; then
 * {@code peers}, {@code version}, {@code ack}, {@code resend} and {@code figures} events keep it current.
 *
 * <p>The request threads only hand each happening to this class's one thread and go on: a publish pays a queue
 * offer, not the JSON of the page (the goal: a page adds < 5 ms to a send). That thread keeps the {@link Activity},
 * makes each frame once and queues it on every stream; snapshots are made on it too, so a new stream misses nothing
 * between its snapshot and its first event.
 */
final class HubEvents implements AutoCloseable {
  private static final long HEARTBEAT_MILLIS = 1000;
  /** Browsers hold at most 6 connections per host over HTTP/1.1; a few tabs, a tool or two. */
  static final int MAX_STREAMS = 32;
  /** Store figures after a publish wait this long, so a burst of Auto-sync versions walks the store once. */
  private static final long FIGURES_DELAY_MILLIS = 1000;

  private final Limits limits;
  private final Figures figures;
  private final Supplier<ArrayNode> peerList;
  private final Activity activity;
  private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "livelink-page-events");
    t.setDaemon(true);
    return t;
  });
  /** Open streams; touched only on {@link #thread}. */
  private final List<EventChannel> channels = new ArrayList<>();
  private boolean figuresScheduled;

  HubEvents(SceneStore store, Limits limits, Figures figures, Function<String, Peer> peers,
      Supplier<ArrayNode> peerList) {
    this.limits = limits;
    this.figures = figures;
    this.peerList = peerList;
    this.activity = new Activity(store, peers);
  }

  /** A version was published and sent to {@code to}. */
  void published(Version v, Set<String> to, Delta d) {
    Set<String> targets = Set.copyOf(to);
    run(() -> {
      broadcast("version", activity.published(v, targets, d));
      scheduleFigures();
    });
  }

  /** A receiver acked; {@code ack} is the hub's relayed ack (see AckRoutes). */
  void acked(JsonNode ack) {
    long at = System.currentTimeMillis();
    run(() -> broadcast("ack", activity.acked(ack, at)));
  }

  /** A version was sent again to one receiver. */
  void resent(String scene, int version, String peer) {
    long at = System.currentTimeMillis();
    run(() -> broadcast("resend", activity.resent(scene, version, peer, at)));
  }

  /** A {@code peers} frame as Peers made it for the peers' streams: the same bytes go to the page. */
  void peers(byte[] frame) {
    run(() -> broadcast(frame));
  }

  /** {@code GET /v1/hub/events}: the snapshot, then the events, until the client leaves or the hub stops. */
  void stream(Request r) throws IOException, InterruptedException {
    r.becomeLongLived();
    try {
      EventChannel ch = new EventChannel(limits.peerQueueBytes);
      call(() -> {
        if (channels.size() >= MAX_STREAMS) {
          throw new HubException(503, "the hub has " + channels.size() + " page event streams open, its limit");
        }
        ch.offer(EventChannel.frame("snapshot", snapshot()));
        channels.add(ch);
        return null;
      });
      try {
        r.header("Cache-Control", "no-store");
        ch.pump(r.stream("text/event-stream", 0), HEARTBEAT_MILLIS, r.guard());
      } finally {
        run(() -> channels.remove(ch));
      }
    } finally {
      r.longLivedEnded();
    }
  }

  /** {@code GET /v1/hub/figures}: the figures the page shows in its header. */
  void figures(Request r) throws IOException, InterruptedException {
    r.json(200, call(figures::now));
  }

  private ObjectNode snapshot() {
    ObjectNode o = Json.object();
    o.set("figures", figures.now());
    o.set("peers", peerList.get());
    o.set("scenes", activity.snapshot());
    return o;
  }

  private void scheduleFigures() {
    if (figuresScheduled || channels.isEmpty()) {
      return;
    }
    figuresScheduled = true;
    thread.schedule(() -> {
      figuresScheduled = false;
      broadcast("figures", figures.now());
    }, FIGURES_DELAY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void broadcast(String event, JsonNode data) {
    if (!channels.isEmpty()) {
      broadcast(EventChannel.frame(event, data));
    }
  }

  private void broadcast(byte[] frame) {
    List<EventChannel> overflowed = new ArrayList<>();
    for (EventChannel ch : channels) {
      if (!ch.offer(frame)) {
        overflowed.add(ch);
      }
    }
    for (EventChannel ch : overflowed) {
      channels.remove(ch);
      ch.bye("the hub dropped this stream: more than " + limits.peerQueueBytes + " bytes of events were waiting; "
          + "reload the page");
    }
  }

  /** Runs on the events thread; dropped once the hub is stopping. */
  private void run(Runnable task) {
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          System.err.println("livelink: page event failed: " + e); // the next event still goes out
        }
      });
    } catch (RejectedExecutionException e) {
      // Stopping: no stream is left to tell.
    }
  }

  /** Runs {@code task} on the events thread and waits for it; 503 once the hub is stopping. */
  private <T> T call(Callable<T> task) throws InterruptedException {
    Future<T> f;
    try {
      f = thread.submit(task);
    } catch (RejectedExecutionException e) {
      throw new HubException(503, "the hub is stopping");
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Ends every stream with a {@code bye}, then the thread. */
  @Override
  public void close() {
    try {
      thread.submit(() -> channels.forEach(ch -> ch.bye("the hub is stopping"))).get(2, TimeUnit.SECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      // Already closed, or the thread is stuck: the server's stop cuts the streams anyway.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
  }
}
