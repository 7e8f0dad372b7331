package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation;
import dev.livelink.hub.Limits;
import dev.livelink.model.Sha256;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hub's link to the other hubs of its space through NATS JetStream (docs/studio.md). One {@link Connection} owns
 * connecting and reconnecting; its events move this link between states, and every (re)connection opens the
 * space's structures again ({@link Space}) under a new generation. Three threads work on it: the publisher drains
 * the {@link Outbox}, the receiver pulls the hub's durable consumer, the control thread opens the space,
 * announces this hub's peers and expires the others'.
 */
public final class NatsLink implements Federation {
  enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSED }

  /** Gzipped manifests above this go through the object store: NATS's default message limit is 1 MB. */
  static final int INLINE_LIMIT = 768 << 10;
  private static final int FETCH_BATCH = 16;
  private static final Duration FETCH_WAIT = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final FederationConfig config;
  private final Subjects subjects;
  private final String hubId;
  private final Local local;
  private final Outbox outbox;
  private final Blobs blobs = new Blobs(Limits.DEFAULTS.maxBlob);
  private final RemotePeers remote;
  private final Inbound inbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
      "livelink-nats"));
  private final Thread publisher = daemon(this::publishLoop, "livelink-nats-out");
  private final Thread receiver = daemon(this::receiveLoop, "livelink-nats-in");
  private State state = State.CONNECTING;
  private Connection conn;
  private Space space;
  private int generation;
  private boolean closed;
  private String lastError;
  private long sent;
  private long received;
  private Dispatcher ackDispatcher;
  private NatsKeyValueWatchSubscription watch;
  private byte[] announced;
  private long announcedAt;

  private NatsLink(Path home, FederationConfig config, Local local) {
    this.config = config;
    this.subjects = new Subjects(config.space());
    this.hubId = hubId(home);
    this.local = local;
    this.outbox = new Outbox(home.resolve("federation").resolve("outbox"));
    this.remote = new RemotePeers(hubId, config.peersTtl(), local::remotePeersChanged);
    this.inbound = new Inbound(hubId, config.host(), subjects, local, blobs, new Origins(), this::problem);
  }

  /**
   * The factory a hub starts its link with. Credentials and TLS files are read now, so a bad one stops the hub
   * before it starts, naming the file.
   */
  public static Factory factory(Path home, FederationConfig config) {
    NatsOptions.build(config, "check", (c, e) -> {}, new ErrorListener() {});
    return local -> new NatsLink(home, config, local).begin();
  }

  private NatsLink begin() {
    Options options = NatsOptions.build(config, "livelink hub " + hubId + " on " + config.host(), this::onEvent,
        new ErrorListener() {
          @Override
          public void errorOccurred(Connection c, String error) {
            problem("NATS server: " + error);
          }

          @Override
          public void exceptionOccurred(Connection c, Exception e) {
            problem("NATS: " + e.getMessage());
          }
        });
    try {
      Nats.connectAsynchronously(options, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long tick = Math.max(100, Math.min(1000, config.peersTtl().toMillis() / 20));
    control.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    publisher.start();
    receiver.start();
    return this;
  }

  /** This hub's id in the space, made once and kept in the home. */
  static String hubId(Path home) {
    Path f = home.resolve("federation").resolve("hub-id");
    try {
      String id = Files.readString(f, StandardCharsets.US_ASCII).trim();
      if (id.matches("[0-9a-f]{12}")) {
        return id;
      }
    } catch (NoSuchFileException e) {
      // First start: made below.
    } catch (IOException e) {
      throw new FederationException("cannot read " + f + ": " + e.getMessage(), e);
    }
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    try {
      AtomicFiles.write(f, id.getBytes(StandardCharsets.US_ASCII), true);
    } catch (IOException e) {
      throw new FederationException("cannot write " + f + ": " + e.getMessage(), e);
    }
    return id;
  }

  public String hubId() {
    return hubId;
  }

  // ---- the connection --------------------------------------------------------------------------------------------

  private void onEvent(Connection c, ConnectionListener.Events e) {
    lock.lock();
    try {
      switch (e) {
        case CONNECTED, RECONNECTED -> {
          if (closed) {
            control.execute(() -> closeQuietly(c)); // connected after all, but too late
            return;
          }
          conn = c;
          state = State.CONNECTED;
          space = null;
          control.execute(this::openSpace);
        }
        case DISCONNECTED -> {
          state = State.DISCONNECTED;
          space = null;
        }
        case CLOSED -> {
          state = State.CLOSED;
          space = null;
        }
        default -> {
          return;
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** On the control thread after each (re)connection; tried again each second until it works. */
  private void openSpace() {
    Connection c;
    int gen;
    lock.lock();
    try {
      if (closed || state != State.CONNECTED || space != null) {
        return;
      }
      c = conn;
      gen = ++generation;
    } finally {
      lock.unlock();
    }
    try {
      Space s = Space.open(c, subjects, config, gen);
      if (ackDispatcher == null) {
        ackDispatcher = c.createDispatcher(inbound::remoteAck);
        ackDispatcher.subscribe(subjects.acks(hubId)); // the connection subscribes again after a reconnect
      }
      if (watch != null) {
        watch.unsubscribe();
      }
      watch = s.peers().watchAll(remote);
      lock.lock();
      try {
        if (state == State.CONNECTED && !closed) {
          space = s;
          lastError = null;
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      announce(true);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      problem("could not open space \"" + config.space() + "\": " + e.getMessage());
      retryOpen();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void retryOpen() {
    try {
      control.schedule(this::openSpace, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing.
    }
  }

  /** The open space, waiting until there is one; null once closed. */
  private Space awaitSpace() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && space == null) {
        changed.await();
      }
      return closed ? null : space;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a change of state (or {@code d}) before trying again. */
  private void pause(Duration d) throws InterruptedException {
    lock.lock();
    try {
      if (!closed) {
        changed.await(d.toNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private void problem(String message) {
    lock.lock();
    try {
      lastError = message;
    } finally {
      lock.unlock();
    }
    System.err.println("livelink: " + message);
  }

  // ---- out -------------------------------------------------------------------------------------------------------

  @Override
  public void published(SceneStore.Version v, List<RemotePeer> remoteTargets) {
    List<VersionMessage.Target> targets = remoteTargets == null ? null : remoteTargets.stream()
        .map(r -> new VersionMessage.Target(r.id(), r.hub(), r.app(), r.document())).toList();
    ObjectNode delta = Json.object().put("nodes", v.scene().nodes().size());
    VersionMessage m = new VersionMessage(hubId, config.host(), SceneJson.write(v.scene()), v.number(), v.sender(),
        targets, List.copyOf(new java.util.TreeSet<>(v.scene().meshes())), delta, v.publishedAtMillis());
    outbox.add(m.encode());
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void publishLoop() {
    try {
      while (true) {
        Outbox.Item item = outbox.peek();
        if (item == null) {
          lock.lock();
          try {
            while (!closed && outbox.size() == 0) {
              changed.await();
            }
          } finally {
            lock.unlock();
          }
          if (closed) {
            return;
          }
          continue;
        }
        Space s = awaitSpace();
        if (s == null) {
          return;
        }
        try {
          send(s, item);
          outbox.remove(item);
          count(true);
        } catch (FederationException e) {
          problem("a version in the outbox cannot be sent and is dropped: " + e.getMessage());
          outbox.remove(item);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
          problem("could not publish to NATS (kept in the outbox): " + e.getMessage());
          pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  /** Blobs first, so that a version on the stream never names a blob the object store lacks. */
  private void send(Space s, Outbox.Item item) throws IOException, JetStreamApiException, InterruptedException {
    VersionMessage m = VersionMessage.decode(item.data());
    blobs.upload(s, m.blobs(), local.store().blobs());
    byte[] body = item.data();
    Headers h = new Headers();
    if (body.length > INLINE_LIMIT) {
      String name = "manifest-" + Sha256.hex(body);
      blobs.put(s.blobs(), name, body);
      h.put(Inbound.MANIFEST_HEADER, name);
      body = new byte[0];
    }
    PublishOptions po = PublishOptions.builder().messageId(hubId + ":" + m.sceneId() + ":" + m.version())
        .expectedStream(subjects.stream()).build();
    s.js().publish(subjects.scene(hubId, m.sceneId()), h, body, po);
  }

  // ---- in --------------------------------------------------------------------------------------------------------

  private void receiveLoop() {
    JetStreamSubscription sub = null;
    int gen = 0;
    try {
      while (true) {
        Space s = awaitSpace();
        if (s == null) {
          return;
        }
        try {
          if (sub == null || gen != s.generation()) {
            unsubscribe(sub);
            sub = s.js().subscribe(subjects.scenes(), PullSubscribeOptions.builder().durable(subjects.durable(hubId))
                .configuration(Space.consumer(subjects, hubId)).build());
            gen = s.generation();
          }
          // Yields each message as it arrives (fetch would wait for a full batch or the whole wait).
          for (java.util.Iterator<Message> it = sub.iterate(FETCH_BATCH, FETCH_WAIT); it.hasNext(); ) {
            Message m = it.next();
            if (inbound.apply(s, m) == Inbound.Outcome.RETRY) {
              m.nakWithDelay(RETRY);
            } else {
              m.ack();
              count(false);
            }
          }
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
          problem("could not read the space's versions: " + e.getMessage());
          unsubscribe(sub);
          sub = null;
          pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  @Override
  public void acked(String scene, int version, ObjectNode ack) {
    Space s;
    lock.lock();
    try {
      s = space;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      inbound.acked(s, scene, version, ack);
    }
  }

  private void count(boolean out) {
    lock.lock();
    try {
      if (out) sent++; else received++;
    } finally {
      lock.unlock();
    }
  }

  // ---- peers -----------------------------------------------------------------------------------------------------

  private void tick() {
    try {
      remote.expire();
      announce(false);
    } catch (RuntimeException e) {
      problem("peers: " + e.getMessage());
    }
  }

  /** Puts this hub's peers in the KV bucket when they changed, and at least every third of its max age. */
  private void announce(boolean force) {
    Space s;
    lock.lock();
    try {
      s = space;
    } finally {
      lock.unlock();
    }
    if (s == null) {
      return;
    }
    byte[] a = RemotePeers.announce(hubId, config.host(), local.peers());
    long now = System.nanoTime();
    if (!force && Arrays.equals(a, announced) && now - announcedAt < config.peersTtl().toNanos() / 3) {
      return;
    }
    try {
      s.peers().put(hubId, a);
      announced = a;
      announcedAt = now;
    } catch (IOException | JetStreamApiException e) {
      problem("could not announce this hub's peers: " + e.getMessage());
    }
  }

  @Override
  public List<RemotePeer> remotePeers() {
    return remote.list();
  }

  // ---- status and close ------------------------------------------------------------------------------------------

  @Override
  public ObjectNode status() {
    ObjectNode o = Json.object();
    lock.lock();
    try {
      o.put("nats", config.describe()).put("space", config.space()).put("hub", hubId).put("host", config.host())
          .put("state", state.name().toLowerCase()).put("ready", space != null).put("tls", config.tls())
          .put("sent", sent).put("received", received);
      if (lastError == null) o.putNull("lastError"); else o.put("lastError", lastError);
    } finally {
      lock.unlock();
    }
    o.put("outbox", outbox.size()).put("remotePeers", remote.list().size())
        .put("blobsUploaded", blobs.uploaded.get()).put("blobsFetched", blobs.fetched.get())
        .put("blobsRefused", blobs.refused.get());
    return o;
  }

  /** Says goodbye in the KV bucket (so this hub's peers go at once), then closes the connection. */
  @Override
  public void close() {
    Space s;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      s = space;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    control.shutdownNow();
    blobs.close();
    publisher.interrupt();
    receiver.interrupt();
    try {
      publisher.join(5000);
      receiver.join(5000);
      if (s != null) {
        s.peers().delete(hubId);
      }
    } catch (IOException | JetStreamApiException e) {
      System.err.println("livelink: could not remove this hub's peers from the space: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Connection c;
      lock.lock();
      try {
        c = conn;
      } finally {
        lock.unlock();
      }
      if (c != null) {
        c.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    remote.clear();
  }

  private static void unsubscribe(JetStreamSubscription sub) {
    try {
      if (sub != null) {
        sub.unsubscribe();
      }
    } catch (IllegalStateException e) {
      // Already gone with its connection.
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
