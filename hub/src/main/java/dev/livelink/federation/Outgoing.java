package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation.RemotePeer;
import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The way out: a local publish becomes a {@link VersionMessage} in the {@link Outbox}, and one thread sends the
 * outbox in order whenever the space is open, blobs first, so that a version on the stream never names a blob the
 * object store lacks.
 */
final class Outgoing {
  /** Gzipped manifests above this go through the object store: NATS's default message limit is 1 MB. */
  static final int INLINE_LIMIT = 768 << 10;
  private static final Duration RETRY = Duration.ofSeconds(1);

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
  final AtomicLong sent = new AtomicLong();

  Outgoing(String hubId, String host, Subjects subjects, Outbox outbox, Blobs blobs, BlobStore store,
      LinkState link) {
    this.hubId = hubId;
    this.host = host;
    this.subjects = subjects;
    this.outbox = outbox;
    this.blobs = blobs;
    this.store = store;
    this.link = link;
  }

  /** On the publishing request's thread: on disk before the publish is answered. */
  void published(SceneStore.Version v, List<RemotePeer> remoteTargets) {
    List<VersionMessage.Target> targets = remoteTargets == null ? null : remoteTargets.stream()
        .map(r -> new VersionMessage.Target(r.id(), r.hub(), r.app(), r.document())).toList();
    ObjectNode delta = Json.object().put("nodes", v.scene().nodes().size());
    VersionMessage m = new VersionMessage(hubId, host, SceneJson.write(v.scene()), v.number(), v.sender(),
        targets, List.copyOf(new TreeSet<>(v.scene().meshes())), delta, v.publishedAtMillis());
    outbox.add(m.encode());
    signal();
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
        Outbox.Item item = outbox.peek();
        if (item == null) {
          lock.lock();
          try {
            while (!closed && outbox.size() == 0) {
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
        Space s = link.awaitSpace();
        if (s == null) {
          return;
        }
        try {
          send(s, item);
          outbox.remove(item);
          sent.incrementAndGet();
        } catch (FederationException e) {
          link.problem("a version in the outbox cannot be sent and is dropped: " + e.getMessage());
          outbox.remove(item);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
          link.problem("could not publish to NATS (kept in the outbox): " + e.getMessage());
          link.pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  private void send(Space s, Outbox.Item item) throws IOException, JetStreamApiException, InterruptedException {
    VersionMessage m = VersionMessage.decode(item.data());
    blobs.upload(s, m.blobs(), store);
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
}
