package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Version;
import dev.livelink.store.VersionHeader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The hub as a {@link Federation} sees it: its store, its peers, its ack board. */
final class LocalSide implements Federation.Local {
  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;

  LocalSide(SceneStore store, Peers peers, AckBoard acks) {
    this.store = store;
    this.peers = peers;
    this.acks = acks;
  }

  @Override
  public SceneStore store() {
    return store;
  }

  @Override
  public List<Peer> peers() {
    return peers.list();
  }

  @Override
  public Set<String> deliver(Version v, Set<String> targets) {
    Set<String> to = new LinkedHashSet<>();
    for (Peer p : peers.list()) {
      if (p.receives() && (targets == null || targets.contains(p.id()))) {
        to.add(p.id());
      }
    }
    acks.expect(v.scene().id(), v.number(), to);
    peers.send(to, "version", SceneRoutes.versionEvent(v));
    return to;
  }

  @Override
  public void remoteAck(String scene, int version, String peer, ObjectNode ack) {
    acks.ack(scene, version, peer, ack);
    VersionHeader h = store.header(scene, version);
    if (h != null && h.sender() != null) {
      peers.send(h.sender(), "ack", ack);
    }
  }

  @Override
  public void spaceChanged(ObjectNode space) {
    peers.sendAll("space", space);
  }

  @Override
  public void remotePeersChanged() {
    peers.remoteChanged();
    acks.peersChanged();
  }
}
