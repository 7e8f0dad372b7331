package dev.livelink.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.export.ExportException;
import dev.livelink.export.ExportFormat;
import dev.livelink.hub.Hub;
import dev.livelink.model.ModelException;
import dev.livelink.sdk.ClientException;
import dev.livelink.sdk.LiveLinkClient;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The work of {@code livelink receive}: a receiver peer that writes each version it is sent as a file in a folder
 * and acks it. One thread reads the event stream and queues typed messages; the caller's thread fetches, writes and
 * acks. Announcements that arrive while a scene is being written are merged, so a burst of versions of one scene
 * costs one write, and every version announced is acked.
 */
final class Receiver implements AutoCloseable {
  /** What the receiver does: the folder, the format, whose versions it takes, and one scene or (null) every one. */
  record Options(Path dir, ExportFormat format, List<String> from, String scene) {
    Options {
      from = List.copyOf(from);
    }
  }

  /** Messages from the event stream's thread to the working thread. */
  sealed interface Message permits Announced, StreamEnded, Stop {}

  /** A {@code version} event (from a publish or from catch-up), and when it arrived. */
  record Announced(String scene, int version, long atNanos) implements Message {}

  record StreamEnded(String reason) implements Message {}

  record Stop() implements Message {}

  static final String APP = "livelink";

  private final LiveLinkClient client;
  private final Options options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final SceneFetcher fetcher;
  private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
  /** The version last written of each scene, so a catch-up of what is on disk already is only acked. */
  private final Map<String, Integer> written = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String peer;

  /** Registers as a receiver (its document: the folder) and starts reading the event stream. */
  Receiver(LiveLinkClient client, Options options, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.options = options;
    this.out = out;
    this.err = err;
    this.fetcher = new SceneFetcher(client);
    this.peer = client.register(APP, Hub.VERSION, options.dir().toString(), "receiver", List.of("livelink-mesh"),
        options.from());
    Thread reader = new Thread(this::read, "livelink-receive-events");
    reader.setDaemon(true);
    reader.start();
  }

  String peer() {
    return peer;
  }

  /** Ends {@link #run} once the scene being written, if any, is done; any thread may call it. */
  void stop() {
    queue.add(new Stop());
  }

  private void read() {
    String[] bye = {null};
    String failure = null;
    try {
      client.events(peer, (name, data) -> {
        if (name.equals("version")) {
          queue.add(new Announced(data.path("scene").asText(), data.path("version").asInt(), System.nanoTime()));
        } else if (name.equals("bye")) {
          bye[0] = data.path("reason").asText();
        }
      });
    } catch (ClientException e) {
      failure = e.getMessage();
    }
    // A stopping hub may close the connection right after its bye, so the stream can end in an error even then:
    // the bye, when it came, is the reason.
    queue.add(new StreamEnded("the hub ended the event stream" + (bye[0] != null ? ": " + bye[0]
        : failure != null ? " (" + failure + ")" : "")));
  }

  /**
   * Writes and acks what the hub sends until {@link #stop()} or the end of the event stream.
   *
   * @return 0 after stop(), 1 when the stream ended (the hub stopped or dropped this peer), said on err
   */
  int run() throws InterruptedException {
    Map<String, List<Announced>> pending = new LinkedHashMap<>();
    while (true) {
      Message m = queue.take();
      do {
        if (m instanceof Announced a) {
          pending.computeIfAbsent(a.scene(), s -> new ArrayList<>()).add(a);
        } else if (m instanceof StreamEnded e) {
          err.println("livelink: " + e.reason());
          err.flush();
          return 1;
        } else {
          return 0;
        }
      } while ((m = queue.poll()) != null);
      pending.forEach(this::apply);
      pending.clear();
    }
  }

  /** Writes the scene's latest version and acks each version announced. */
  private void apply(String scene, List<Announced> announced) {
    long start = System.nanoTime();
    ObjectNode timings = Json.object().put("pickup_ms", millis(start - announced.get(0).atNanos()));
    if (options.scene() != null && !options.scene().equals(scene)) {
      ackAll(scene, announced, false, "this receiver writes only scene \"" + options.scene() + "\"", timings);
      return;
    }
    int newest = announced.stream().mapToInt(Announced::version).max().orElse(0);
    if (newest <= written.getOrDefault(scene, 0)) {
      ackAll(scene, announced, true, "", timings);
      return;
    }
    SceneFetcher.Fetched f;
    try {
      f = fetcher.latest(scene);
    } catch (ClientException | ModelException e) {
      timings.put("fetch_ms", millis(System.nanoTime() - start));
      fail(scene, announced, "could not fetch scene \"" + scene + "\": " + e.getMessage(), timings);
      return;
    }
    long fetched = System.nanoTime();
    timings.put("fetch_ms", millis(fetched - start));
    SceneFiles.Written w;
    try {
      w = SceneFiles.export(f, options.format(), options.dir(), SceneFiles.baseName(scene));
    } catch (IOException | ExportException e) {
      fail(scene, announced, e.getMessage(), timings);
      return;
    }
    long done = System.nanoTime();
    written.put(scene, f.version());
    timings.put("build_ms", millis(done - fetched)).put("total_ms", millis(done - announced.get(0).atNanos()))
        .put("objects", w.nodes()).put("blobs", f.blobsFetched());
    out.printf("wrote %s: %s version %d, %d node(s), %d new blob(s), in %.0f ms%n", w.files().get(w.files().size() - 1),
        scene, f.version(), w.nodes(), f.blobsFetched(), millis(done - start));
    for (String s : w.skipped()) {
      err.println("livelink: " + scene + " version " + f.version() + ": " + s);
    }
    out.flush();
    err.flush();
    // Left-out nodes do not fail the version (the rest is on disk), but the sender is told which.
    ackAll(scene, announced, true, String.join("; ", w.skipped()), timings);
  }

  private void fail(String scene, List<Announced> announced, String reason, ObjectNode timings) {
    err.println("livelink: " + reason);
    err.flush();
    ackAll(scene, announced, false, reason, timings);
  }

  private void ackAll(String scene, List<Announced> announced, boolean ok, String reason, ObjectNode timings) {
    for (Announced a : announced) {
      try {
        client.ack(scene, a.version(), peer, ok, reason, timings);
      } catch (ClientException e) {
        err.println("livelink: could not ack " + scene + " version " + a.version() + ": " + e.getMessage());
        err.flush();
      }
    }
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  /** Says goodbye to the hub, once; a hub that is gone already needs none. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.goodbye(peer);
      } catch (ClientException e) {
        // The hub stopped or dropped this peer: there is no one to say goodbye to.
      }
    }
  }
}
