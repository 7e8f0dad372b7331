package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation;
import dev.livelink.hub.Limits;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A hub's link to the other hubs of its space through NATS JetStream (docs/studio.md). Its {@link Session} connects
 * and reopens the space after each reconnection. Five threads work on it: the publisher ({@link Outgoing}) puts
 * uploaded blobs ahead and drains the {@link Outbox}, the receiver ({@link Inbound}) pulls the hub's durable consumer,
 * the prefetcher ({@link Prefetch}) keeps the packs other hubs put, the {@link Settler} makes what was received
 * durable and acks it, the control thread connects, opens the space, announces this hub's peers and expires the
 * others'.
 */
public final class NatsLink implements Federation {
  private final FederationConfig config;
  private final String hubId;
  private final Local local;
  private final Session session;
  private final Outgoing outgoing;
  private final Blobs blobs = new Blobs(Limits.DEFAULTS.maxBlob);
  private final RemotePeers remote;
  private final Inbound inbound;
  private final Origins origins;
  private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
      "livelink-nats"));
  private final Thread publisher;
  private final Thread receiver;
  private final Settler settler;
  private final Thread settling;
  private final Prefetch prefetch;
  private final Thread prefetching;
  /** Control thread only. */
  private Dispatcher ackDispatcher;
  private NatsKeyValueWatchSubscription watch;

  private NatsLink(Path home, FederationConfig config, Local local, java.util.concurrent.CountDownLatch hold) {
    this.config = config;
    Subjects subjects = new Subjects(config.space());
    this.hubId = FederationConfig.hubId(home);
    this.local = local;
    this.session = new Session(config, subjects, "livelink hub " + hubId + " on " + config.host(), control,
        this::opened, local::spaceChanged);
    this.outgoing = new Outgoing(hubId, config.host(), subjects, new Outbox(home.resolve("federation")
        .resolve("outbox")), blobs, local.store().blobs(), session);
    this.publisher = daemon(outgoing::run, "livelink-nats-out");
    this.remote = new RemotePeers(hubId, config.peersTtl(), local::remotePeersChanged);
    this.origins = new Origins(home.resolve("federation").resolve("origins.jsonl"));
    this.settler = new Settler(session::problem, hold);
    this.settling = daemon(settler::run, "livelink-nats-settle");
    this.prefetch = new Prefetch(local.store().blobs(), settler);
    this.prefetching = daemon(() -> prefetch.run(session), "livelink-nats-prefetch");
    this.inbound = new Inbound(hubId, config.host(), subjects, local, blobs, origins, settler, prefetch,
        session::problem);
    this.receiver = daemon(() -> inbound.run(session), "livelink-nats-in");
  }

  /**
   * The factory a hub starts its link with. Credentials and TLS files are read now, so a bad one stops the hub
   * before it starts, naming the file.
   */
  public static Factory factory(Path home, FederationConfig config) {
    return factory(home, config, null);
  }

  /**
   * With {@code hold} (tests), received versions are stored and told but not made durable nor acked until it opens:
   * a hub that dies in between.
   */
  static Factory factory(Path home, FederationConfig config, java.util.concurrent.CountDownLatch hold) {
    NatsOptions.build(config, "check", (c, e) -> {}, new ErrorListener() {});
    return local -> new NatsLink(home, config, local, hold).begin();
  }

  private NatsLink begin() {
    session.start();
    long tick = Math.max(100, Math.min(1000, config.peersTtl().toMillis() / 20));
    control.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    publisher.start();
    receiver.start();
    settling.start();
    prefetching.start();
    return this;
  }

  public String hubId() {
    return hubId;
  }

  /** On the control thread, each time the space's structures are open after a (re)connection. */
  private void opened(Space s) throws IOException, JetStreamApiException, InterruptedException {
    if (ackDispatcher == null) {
      ackDispatcher = s.conn().createDispatcher(inbound::remoteAck);
      ackDispatcher.subscribe(new Subjects(config.space()).acks(hubId)); // again by itself after a reconnect
    }
    if (watch != null) {
      watch.unsubscribe();
    }
    watch = s.peers().watchAll(remote);
    remote.announce(s, config.host(), local.peers(), true, session::problem);
  }

  // ---- out -------------------------------------------------------------------------------------------------------

  @Override
  public void published(Version v, List<RemotePeer> remoteTargets) {
    outgoing.published(v, null, local.store().latestJson(v.scene().id(), v.number()), remoteTargets);
  }

  @Override
  public void published(SceneStore.Published p, List<RemotePeer> remoteTargets) {
    Version v = p.version();
    outgoing.published(v, p.previous(), local.store().latestJson(v.scene().id(), v.number()), remoteTargets);
  }

  /** Blobs of a batch upload go out ahead of their version when a receiver on another hub may take it. */
  @Override
  public void uploaded(List<String> fresh) {
    for (RemotePeer p : remote.list()) {
      if (p.receives()) {
        outgoing.ahead(fresh);
        return;
      }
    }
  }

  // ---- in --------------------------------------------------------------------------------------------------------

  @Override
  public void acked(String scene, int version, ObjectNode ack) {
    Space s = session.space();
    if (s != null) {
      inbound.acked(s, scene, version, ack);
    }
  }

  // ---- peers -----------------------------------------------------------------------------------------------------

  private void tick() {
    try {
      prefetch.want(local.peers().stream().anyMatch(dev.livelink.hub.Peer::receives));
      remote.expire();
      Space s = session.space();
      if (s != null) {
        remote.announce(s, config.host(), local.peers(), false, session::problem);
      }
    } catch (RuntimeException e) {
      session.problem("peers: " + e.getMessage());
    }
  }

  @Override
  public List<RemotePeer> remotePeers() {
    return remote.list();
  }

  // ---- status and close ------------------------------------------------------------------------------------------

  @Override
  public ObjectNode space() {
    return session.spaceJson();
  }

  @Override
  public ObjectNode status() {
    ObjectNode o = Json.object();
    o.put("nats", config.describe()).put("space", config.space()).put("hub", hubId).put("host", config.host());
    session.status(o);
    o.put("tls", config.tls()).put("sent", outgoing.sent.get()).put("received", inbound.received.get())
        .put("receivedAsChange", inbound.receivedAsChange.get())
        .put("outbox", outgoing.waiting()).put("remotePeers", remote.list().size())
        .put("blobsUploaded", blobs.uploaded.get()).put("blobsFetched", blobs.fetched.get())
        .put("blobsRefused", blobs.refused.get()).put("packsUploaded", blobs.packsUploaded.get())
        .put("packsFetched", blobs.packsFetched.get()).put("blobsPrefetched", prefetch.kept.get())
        .put("prefetching", prefetch.following()).put("packsPrefetchRefused", prefetch.skipped.get())
        .put("packsAhead", outgoing.packsAhead.get()).put("settled", settler.settled.get())
        .put("settleRounds", settler.rounds.get()).put("unsettled", settler.waiting());
    return o;
  }

  /** Says goodbye in the KV bucket (so this hub's peers go at once), then closes the connection. */
  @Override
  public void close() {
    if (session.closed()) {
      return;
    }
    Space s = session.close();
    control.shutdownNow();
    blobs.close();
    outgoing.close();
    publisher.interrupt();
    receiver.interrupt();
    prefetching.interrupt();
    try {
      publisher.join(5000);
      receiver.join(5000);
      prefetching.join(5000);
      settling.interrupt();
      settling.join(5000);
      settler.drain(); // what was received is made durable and acked before the connection closes
      if (s != null) {
        s.peers().delete(hubId);
      }
    } catch (IOException | JetStreamApiException e) {
      System.err.println("livelink: could not remove this hub's peers from the space: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    session.disconnect();
    remote.clear();
    origins.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
