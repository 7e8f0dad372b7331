package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Version;
import java.util.List;
import java.util.Set;

/**
 * What the hub asks of a link to other hubs (see dev.livelink.federation and docs/studio.md), at a few narrow
 * points: after a local publish, when a local peer acks, when peers are listed, and in the hub's status. Without
 * one the hub is {@link #NONE}: one machine, nothing crosses.
 *
 * <p>The hub calls these on request threads, holding no lock of its own; implementations answer from memory and
 * never wait on the network (a publish is queued, see the federation's outbox).
 */
public interface Federation extends AutoCloseable {
  /**
   * A peer on another hub of the space, as that hub announced it: listed beside the local peers (its JSON, with
   * {@code remote}, {@code hub} and {@code host} added); a receiver is targetable by id.
   */
  record RemotePeer(String id, String app, String document, boolean receives, ObjectNode json, String hub,
      String host) {
    public ObjectNode toJson() {
      return json.deepCopy().put("connected", true).put("remote", true).put("hub", hub).put("host", host);
    }
  }

  /** Made by the hub once its store and peers exist, with the hub side a federation talks to. */
  @FunctionalInterface
  interface Factory {
    Federation start(Local hub);
  }

  /** The hub, as a federation sees it. Thread-safe. */
  interface Local {
    SceneStore store();

    /** The peers registered on this hub now. */
    List<Peer> peers();

    /**
     * Delivers a version stored for another hub's sender to this hub's receivers: to {@code targets} that are
     * registered here, or to every receiver when null, as a local publish does. @return the peers it went to
     */
    Set<String> deliver(Version v, Set<String> targets);

    /** An ack from a receiver on another hub, for a version a local peer sent: onto the ack board and to it. */
    void remoteAck(String scene, int version, String peer, ObjectNode ack);

    /** The list of remote peers changed: peers are told, and ack waiters re-check who is connected. */
    void remotePeersChanged();

    /** The link to the space changed (see {@link Federation#space()}): every peer is told with a space event. */
    default void spaceChanged(ObjectNode space) {}
  }

  /** Queues a version a local peer published for the other hubs; {@code remoteTargets} null = every receiver. */
  void published(Version v, List<RemotePeer> remoteTargets);

  /** {@link #published(Version, List)} knowing the version before it, so that what changed can go too. */
  default void published(SceneStore.Published p, List<RemotePeer> remoteTargets) {
    published(p.version(), remoteTargets);
  }

  /**
   * A local peer uploaded blobs new to this hub, most often right before it publishes the version that uses them: a
   * link may start moving them to the other hubs now, before it knows the version (see docs/studio.md).
   */
  default void uploaded(List<String> fresh) {}

  /** A local peer acked {@code version} of {@code scene}: relayed when that version came from another hub. */
  void acked(String scene, int version, ObjectNode ack);

  /** The peers on other hubs now (those of hubs whose heartbeats have not expired). */
  List<RemotePeer> remotePeers();

  /** The remote peer with this id, or null. */
  default RemotePeer remotePeer(String id) {
    for (RemotePeer p : remotePeers()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    return null;
  }

  /** For the hub's status: the link's state, or null without federation. */
  ObjectNode status();

  /**
   * What peers are told of the link ({@code hello} and {@code space} events of docs/protocol.md): the space, the
   * NATS servers, this host, the connection's state and whether the space is open; null without federation.
   */
  default ObjectNode space() {
    return null;
  }

  @Override
  void close();

  Federation NONE = new Federation() {
    @Override
    public void published(Version v, List<RemotePeer> remoteTargets) {}

    @Override
    public void acked(String scene, int version, ObjectNode ack) {}

    @Override
    public List<RemotePeer> remotePeers() {
      return List.of();
    }

    @Override
    public ObjectNode status() {
      return null;
    }

    @Override
    public void close() {}
  };
}
