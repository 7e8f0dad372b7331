package dev.livelink.federation;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.ObjectStore;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;

/**
 * A space's JetStream structures, made idempotently by whichever hub comes first (and again after a reconnect, in
 * case the server lost them): the stream of scene versions, the peers KV bucket and the blobs Object Store.
 *
 * @param generation counts the sessions of this hub: a worker holding an older one starts over
 * @param packBytes the largest blob pack in one chunk: what one message to this server may carry, less room for
 *     headers, and at most {@value #MAX_PACK}
 */
record Space(Connection conn, JetStream js, JetStreamManagement jsm, ObjectStore blobs, String blobsBucket,
    KeyValue peers, int generation, int packBytes) {
  /** Packs of at most 1 MB: large enough that a first send is a few objects, small enough to fetch only some. */
  static final int MAX_PACK = 1 << 20;

  /** A version waits this long for its receiver hub's ack to NATS before it is sent again (blobs may be big). */
  static final Duration ACK_WAIT = Duration.ofMinutes(5);
  /** The ack wait of consumers made from now on: {@link #ACK_WAIT}; tests that make a hub die shorten it. */
  static volatile Duration ackWait = ACK_WAIT;

  static Space open(Connection c, Subjects s, FederationConfig config, int generation)
      throws IOException, JetStreamApiException {
    StreamConfiguration stream = StreamConfiguration.builder()
        .name(s.stream())
        .subjects(s.scenes())
        .storageType(StorageType.File)
        // One subject per (hub, scene) and only its latest version kept: a hub that was away catches up with the
        // latest version of each scene, not with every version it missed.
        .maxMessagesPerSubject(1)
        .discardPolicy(DiscardPolicy.Old)
        .replicas(config.replicas())
        .duplicateWindow(Duration.ofMinutes(2))
        .build();
    try {
      c.jetStreamManagement().addStream(stream);
    } catch (JetStreamApiException e) {
      c.jetStreamManagement().getStreamInfo(s.stream()); // made by another hub with other settings: use it
    }
    try {
      c.keyValueManagement().create(KeyValueConfiguration.builder().name(s.peersBucket()).maxHistoryPerKey(1)
          .ttl(config.peersTtl()).storageType(StorageType.File).replicas(config.replicas()).build());
    } catch (JetStreamApiException e) {
      c.keyValueManagement().getStatus(s.peersBucket());
    }
    try {
      c.objectStoreManagement().create(ObjectStoreConfiguration.builder(s.blobsBucket())
          .storageType(StorageType.File).replicas(config.replicas()).build());
    } catch (JetStreamApiException e) {
      c.objectStoreManagement().getStatus(s.blobsBucket());
    }
    int packBytes = (int) Math.max(64 << 10, Math.min(MAX_PACK, c.getMaxPayload() - (16 << 10)));
    return new Space(c, c.jetStream(), c.jetStreamManagement(), c.objectStore(s.blobsBucket()), s.blobsBucket(),
        c.keyValue(s.peersBucket()), generation, packBytes);
  }

  /** The hub's durable consumer: a new hub starts from the latest version of each scene, a returning one resumes. */
  static ConsumerConfiguration consumer(Subjects s, String hub) {
    return ConsumerConfiguration.builder()
        .durable(s.durable(hub))
        .filterSubject(s.scenes())
        .deliverPolicy(DeliverPolicy.LastPerSubject)
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(ackWait)
        .build();
  }
}
