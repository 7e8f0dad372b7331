package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation;
import dev.livelink.hub.Limits;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hub's link to the other hubs of its space through NATS JetStream (docs/studio.md). One {@link Connection} owns
 * connecting and reconnecting; its events move this link between states, and every (re)connection opens the
 * space's structures again ({@link Space}) under a new generation. Three threads work on it: the publisher
 * ({@link Outgoing}) drains the {@link Outbox}, the receiver ({@link Inbound}) pulls the hub's durable consumer, the
 * control thread opens the space, announces this hub's peers and expires the others'.
 */
public final class NatsLink implements Federation {
  enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSED }

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final FederationConfig config;
  private final Subjects subjects;
  private final String hubId;
  private final Local local;
  private final Outgoing outgoing;
  private final Blobs blobs = new Blobs(Limits.DEFAULTS.maxBlob);
  private final RemotePeers remote;
  private final Inbound inbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
      "livelink-nats"));
  private final Thread publisher;
  private final Thread receiver;
  private State state = State.CONNECTING;
  private Connection conn;
  private Space space;
  private int generation;
  private boolean closed;
  private String lastError;
  private Dispatcher ackDispatcher;
  private NatsKeyValueWatchSubscription watch;

  private NatsLink(Path home, FederationConfig config, Local local) {
    this.config = config;
    this.subjects = new Subjects(config.space());
    this.hubId = FederationConfig.hubId(home);
    this.local = local;
    LinkState state = new LinkState() {
      @Override
      public Space awaitSpace() throws InterruptedException {
        return NatsLink.this.awaitSpace();
      }

      @Override
      public void pause(Duration d) throws InterruptedException {
        NatsLink.this.pause(d);
      }

      @Override
      public void problem(String message) {
        NatsLink.this.problem(message);
      }
    };
    this.outgoing = new Outgoing(hubId, config.host(), subjects, new Outbox(home.resolve("federation")
        .resolve("outbox")), blobs, local.store().blobs(), state);
    this.publisher = daemon(outgoing::run, "livelink-nats-out");
    this.remote = new RemotePeers(hubId, config.peersTtl(), local::remotePeersChanged);
    this.inbound = new Inbound(hubId, config.host(), subjects, local, blobs, new Origins(), this::problem);
    this.receiver = daemon(() -> inbound.run(state), "livelink-nats-in");
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
    outgoing.published(v, remoteTargets);
  }

  // ---- in --------------------------------------------------------------------------------------------------------

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

  // ---- peers -----------------------------------------------------------------------------------------------------

  private void tick() {
    try {
      remote.expire();
      announce(false);
    } catch (RuntimeException e) {
      problem("peers: " + e.getMessage());
    }
  }

  private void announce(boolean force) {
    Space s;
    lock.lock();
    try {
      s = space;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      remote.announce(s, config.host(), local.peers(), force, this::problem);
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
          .put("sent", outgoing.sent.get()).put("received", inbound.received.get());
      if (lastError == null) o.putNull("lastError"); else o.put("lastError", lastError);
    } finally {
      lock.unlock();
    }
    o.put("outbox", outgoing.waiting()).put("remotePeers", remote.list().size())
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
    outgoing.close();
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
