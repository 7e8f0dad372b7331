package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.wire.Json;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A hub's session with its NATS server: the first connection, tried on the control thread until it works or the
 * session closes (jnats's own connect-with-retries runs a thread that nothing stops while no connection exists);
 * then the {@link Connection}, which reconnects by itself, and whose events move the session between states. Every
 * (re)connection opens the space's structures again ({@link Space}) under a new generation. The workers wait on it
 * ({@link LinkState}); local peers are told when its state changes.
 */
final class Session implements LinkState {
  enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSED }

  /** What the link does once the space's structures are open, before the space counts as open. */
  interface Opener {
    void opened(Space s) throws IOException, JetStreamApiException, InterruptedException;
  }

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final FederationConfig config;
  private final Subjects subjects;
  private final ScheduledExecutorService control;
  private final Opener opener;
  private final Consumer<ObjectNode> tell;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Options options;
  private State state = State.CONNECTING;
  private Connection conn;
  private Space space;
  private int generation;
  private boolean closed;
  private String lastError;
  /** The state local peers were last told; guarded by {@link #told}'s own monitor. */
  private final String[] told = new String[1];

  /**
   * @param tell is handed the session's state ({@link #spaceJson}) whenever its state or readiness changed
   */
  Session(FederationConfig config, Subjects subjects, String name, ScheduledExecutorService control, Opener opener,
      Consumer<ObjectNode> tell) {
    this.config = config;
    this.subjects = subjects;
    this.control = control;
    this.opener = opener;
    this.tell = tell;
    this.options = NatsOptions.build(config, name, this::onEvent, new ErrorListener() {
      @Override
      public void errorOccurred(Connection c, String error) {
        problem("NATS server: " + error);
      }

      @Override
      public void exceptionOccurred(Connection c, Exception e) {
        problem("NATS: " + e.getMessage());
      }
    });
  }

  void start() {
    control.execute(this::connect);
  }

  private void connect() {
    if (isClosed()) {
      return;
    }
    try {
      Connection c = Nats.connect(options);
      boolean late;
      lock.lock();
      try {
        late = closed;
        if (!late) {
          conn = c; // so that close() closes it, whether or not its CONNECTED event came yet
        }
      } finally {
        lock.unlock();
      }
      if (late) {
        closeQuietly(c); // connected after all, but too late
      }
    } catch (IOException e) {
      problem("NATS server unreachable at " + config.describe() + ": " + e.getMessage());
      lock.lock();
      try {
        if (state == State.CONNECTING) {
          state = State.DISCONNECTED; // tried, and not there: what peers show as "unreachable"
        }
      } finally {
        lock.unlock();
      }
      tellPeers();
      later(this::connect, NatsOptions.RECONNECT_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  private void onEvent(Connection c, ConnectionListener.Events e) {
    update(c, e);
    tellPeers();
  }

  private void update(Connection c, ConnectionListener.Events e) {
    lock.lock();
    try {
      switch (e) {
        case CONNECTED, RECONNECTED -> {
          if (closed) {
            return; // connect() or close() closes it
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
      opener.opened(s);
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
      tellPeers();
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      problem("could not open space \"" + config.space() + "\": " + e.getMessage());
      later(this::openSpace, RETRY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void later(Runnable r, Duration d) {
    try {
      control.schedule(r, d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  // ---- what the workers wait on ----------------------------------------------------------------------------------

  @Override
  public Space space() {
    lock.lock();
    try {
      return space;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Space awaitSpace() throws InterruptedException {
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

  @Override
  public void pause(Duration d) throws InterruptedException {
    lock.lock();
    try {
      if (!closed) {
        changed.await(d.toNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void problem(String message) {
    lock.lock();
    try {
      lastError = message;
    } finally {
      lock.unlock();
    }
    System.err.println("livelink: " + message);
  }

  // ---- what is shown ---------------------------------------------------------------------------------------------

  /**
   * The state as {@code GET /v1/hub} shows it, into {@code o}: {@code state}, {@code ready}, {@code lastError}, and
   * {@code bytesIn}/{@code bytesOut} over NATS.
   */
  void status(ObjectNode o) {
    lock.lock();
    try {
      o.put("state", state.name().toLowerCase()).put("ready", space != null);
      if (lastError == null) o.putNull("lastError"); else o.put("lastError", lastError);
      // What crossed since this connection opened (jnats counts it, reconnects included): a studio's sizing.
      o.put("bytesIn", conn == null ? 0 : conn.getStatistics().getInBytes())
          .put("bytesOut", conn == null ? 0 : conn.getStatistics().getOutBytes());
    } finally {
      lock.unlock();
    }
  }

  /** What peers are told ({@code hello} and {@code space} events): the space, its servers, the state. */
  ObjectNode spaceJson() {
    ObjectNode o = Json.object().put("space", config.space()).put("nats", config.describe())
        .put("host", config.host());
    lock.lock();
    try {
      o.put("state", state.name().toLowerCase()).put("ready", space != null);
      if (lastError == null) o.putNull("error"); else o.put("error", lastError);
    } finally {
      lock.unlock();
    }
    return o;
  }

  /**
   * Tells local peers when the state or readiness changed (not on each new error while it retries). One at a time,
   * the state read inside, so the last event a peer gets is the current state.
   */
  private void tellPeers() {
    synchronized (told) {
      ObjectNode o = spaceJson();
      String key = o.path("state").asText() + "/" + o.path("ready").asBoolean();
      if (key.equals(told[0])) {
        return;
      }
      told[0] = key;
      tell.accept(o);
    }
  }

  // ---- closing ---------------------------------------------------------------------------------------------------

  /** Stops it; the workers see null from {@link #awaitSpace}. @return the space that was open, or null */
  Space close() {
    lock.lock();
    try {
      if (closed) {
        return null;
      }
      closed = true;
      changed.signalAll();
      return space;
    } finally {
      lock.unlock();
    }
  }

  boolean closed() {
    return isClosed();
  }

  /** After {@link #close}: closes the connection, if one was made. */
  void disconnect() {
    Connection c;
    lock.lock();
    try {
      c = conn;
    } finally {
      lock.unlock();
    }
    if (c != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
