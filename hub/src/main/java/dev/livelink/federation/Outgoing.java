package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation.RemotePeer;
import dev.livelink.model.ScenePatch;
import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import dev.livelink.wire.PatchJson;
import dev.livelink.wire.SceneJson;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The way out: a local publish becomes a {@link VersionMessage} in the {@link Outbox}, and one thread sends the
 * outbox in order whenever the space is open (see {@link #send}).
 */
final class Outgoing {
  /** Manifests (gzipped when large) above this go through the object store: NATS's default message limit is 1 MB. */
  static final int INLINE_LIMIT = 768 << 10;
  private static final Duration RETRY = Duration.ofSeconds(1);
  /**
   * How long a publish waits for JetStream's ack before it is sent again (the same message id: JetStream keeps one).
   * An ack can be lost for good: a message in flight to a cluster node that dies, or to a stream electing its new
   * leader. Waiting 30 s for it then held every later version behind it (a 3-node cluster with one node killed,
   * under load); a small message is acked in milliseconds.
   */
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

  private final String hubId;
  private final String host;
  private final Subjects subjects;
  private final Outbox outbox;
  private final Blobs blobs;
  private final BlobStore store;
  private final LinkState link;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private boolean closed;
  /** Uploaded blobs to put, and how many versions had been queued before them: see {@link #ahead}. */
  private record Ahead(List<String> hashes, long after) {}

  /** Uploaded blobs to put ahead of their version (see {@link #ahead}); guarded by {@link #lock}. */
  private final java.util.ArrayDeque<Ahead> ahead = new java.util.ArrayDeque<>();
  /** Versions queued in the outbox, those found there at start included. */
  private final AtomicLong queued = new AtomicLong();
  /** Versions taken out of the outbox (sent, or dropped); sending thread only. */
  private long handled;
  final AtomicLong sent = new AtomicLong();
  /** Packs put ahead of their version. */
  final AtomicLong packsAhead = new AtomicLong();

  Outgoing(String hubId, String host, Subjects subjects, Outbox outbox, Blobs blobs, BlobStore store,
      LinkState link) {
    this.hubId = hubId;
    this.host = host;
    this.subjects = subjects;
    this.outbox = outbox;
    this.blobs = blobs;
    this.store = store;
    this.link = link;
    this.queued.set(outbox.size());
  }

  /**
   * On the publishing request's thread: in the outbox before the publish is answered.
   *
   * @param previous the version before it on this hub, or null: what changed since is sent along (see {@link #change})
   * @param sceneJson the scene's JSON as the store encoded it (null: encoded here), sent as it is
   */
  void published(Version v, Version previous, byte[] sceneJson,
      List<RemotePeer> remoteTargets) {
    List<VersionMessage.Target> targets = remoteTargets == null ? null : remoteTargets.stream()
        .map(r -> new VersionMessage.Target(r.id(), r.hub(), r.app(), r.document())).toList();
    ObjectNode delta = Json.object().put("nodes", v.scene().nodes().size());
    List<String> blobs = List.copyOf(new TreeSet<>(v.scene().meshes()));
    VersionMessage m = new VersionMessage(hubId, host,
        sceneJson == null ? SceneJson.write(v.scene()) : SceneJson.header(v.scene()), v.number(), v.sender(), targets,
        blobs, List.of(), delta, change(previous, v), v.publishedAtMillis(), sceneJson);
    outbox.add(m);
    queued.incrementAndGet();
    signal();
  }

  /**
   * What changed from {@code previous} to {@code v}, as a patch on {@code previous}, when that is at most half the
   * scene's nodes (beyond that, reading it costs a hub about what the whole manifest does, and it would double the
   * message); null when none. Hubs that took {@code previous} apply it instead of parsing the whole manifest: for a
   * one-part edit of 410 nodes in FederationBench, 0.5 ms instead of 3 (medians; docs/performance.md).
   */
  static ObjectNode change(Version previous, Version v) {
    if (previous == null) {
      return null;
    }
    ScenePatch p = ScenePatch.between(previous.scene(), previous.number(), v.scene());
    if (p == null || 2 * p.upsert().size() > v.scene().nodes().size()) {
      return null;
    }
    return PatchJson.write(p);
  }

  /**
   * On the upload's thread: blobs just uploaded, put in packs on the sending thread before the next version, so that
   * they cross while the sender publishes (a first send of 410 parts: the hub answers its upload, then its publish,
   * ~10 ms apart here). The version then names their packs and carries no blob. Blobs that would travel inline
   * (an edit's few) wait for their version as before. Not kept on disk: the version's own send puts what is not out.
   */
  void ahead(List<String> hashes) {
    lock.lock();
    try {
      ahead.add(new Ahead(List.copyOf(hashes), queued.get()));
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next blobs to put ahead, once every version queued before them went out (a version never waits behind
   * uploads that came after it); null when none.
   */
  private List<String> nextAhead() {
    lock.lock();
    try {
      Ahead a = ahead.peek();
      if (a == null || a.after() > handled) {
        return null;
      }
      return ahead.poll().hashes();
    } finally {
      lock.unlock();
    }
  }

  /** Puts the packs of uploaded blobs not out yet; gives up quietly (the version's send puts them). */
  private void putAhead(Space s, List<String> hashes) throws InterruptedException {
    try {
      Blobs.Plan plan = blobs.plan(hashes, store, s.packBytes());
      if (plan.inline() == null && !plan.fresh().isEmpty()) {
        blobs.put(s, plan.fresh());
        packsAhead.addAndGet(plan.fresh().size());
      }
    } catch (IOException | JetStreamApiException | RuntimeException e) { // FederationException among them
      // Gone from the store meanwhile, or NATS away: the version's send puts what it needs.
      System.err.println("livelink: blobs not put ahead of their version (they go with it): " + e);
    }
  }

  int waiting() {
    return outbox.size();
  }

  void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The sending thread. */
  void run() {
    try {
      while (true) {
        List<String> early = nextAhead();
        if (early != null) {
          Space s = link.space();
          if (s != null) {
            putAhead(s, early);
          }
          continue;
        }
        Outbox.Item item = outbox.peek();
        if (item == null) {
          lock.lock();
          try {
            while (!closed && outbox.size() == 0 && ahead.isEmpty()) {
              added.await();
            }
            if (closed) {
              return;
            }
          } finally {
            lock.unlock();
          }
          continue;
        }
        Space s = link.space();
        if (s == null) {
          outbox.secure(null); // NATS is away: what waits must survive a power cut
          s = link.awaitSpace();
          if (s == null) {
            return;
          }
        }
        outbox.secure(item); // the ones queued behind this send
        try {
          send(s, item);
          outbox.remove(item);
          handled++;
          sent.incrementAndGet();
        } catch (FederationException e) {
          link.problem("a version in the outbox cannot be sent and is dropped: " + e.getMessage());
          outbox.remove(item);
          handled++;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
          link.problem("could not publish to NATS (kept in the outbox): "
              + (e.getMessage() == null ? e.toString() : e.getMessage()));
          outbox.secure(null);
          link.pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  /**
   * New packs first, so that a version on the stream never names a pack the object store lacks; the version then,
   * with an edit's few new blobs inline, whose pack is put while the version is on its way.
   */
  private void send(Space s, Outbox.Item item) throws IOException, JetStreamApiException, InterruptedException {
    VersionMessage m = item.message();
    Blobs.Plan plan = blobs.plan(m, store, s.packBytes());
    blobs.put(s, plan.fresh());
    byte[] body = m.withPacks(plan.packs()).encode();
    Headers h = new Headers();
    Blobs.NewPack inline = plan.inline();
    if (inline != null && body.length + inline.data().length <= INLINE_LIMIT) {
      byte[] both = Arrays.copyOf(body, body.length + inline.data().length);
      System.arraycopy(inline.data(), 0, both, body.length, inline.data().length);
      body = both;
      h.put(Inbound.INLINE_HEADER, String.valueOf(inline.data().length));
    } else {
      if (inline != null) {
        blobs.put(s, List.of(inline));
        inline = null;
      }
      if (body.length > INLINE_LIMIT) {
        String name = "manifest-" + Sha256.hex(body);
        ObjectPut.put(s, name, body, Blobs.CHUNK);
        h.put(Inbound.MANIFEST_HEADER, name);
        body = new byte[0];
      }
    }
    PublishOptions po = PublishOptions.builder().messageId(hubId + ":" + m.sceneId() + ":" + m.version())
        .expectedStream(subjects.stream()).build();
    CompletableFuture<PublishAck> ack = s.js().publishAsync(subjects.scene(hubId, m.sceneId()), h, body, po);
    if (inline != null) {
      blobs.put(s, List.of(inline));
    }
    try {
      ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof JetStreamApiException j) throw j;
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("JetStream did not acknowledge version " + m.version() + " of \"" + m.sceneId()
          + "\" within " + ACK_TIMEOUT.toSeconds() + " s");
    }
  }
}
