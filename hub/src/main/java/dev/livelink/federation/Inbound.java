package dev.livelink.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.hub.Federation;
import dev.livelink.hub.Peer;
import dev.livelink.model.Ids;
import dev.livelink.model.ModelException;
import dev.livelink.model.Scene;
import dev.livelink.model.ScenePatch;
import dev.livelink.store.SceneStore;
import dev.livelink.store.StoreException;
import dev.livelink.store.Target;
import dev.livelink.store.Unsynced;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import dev.livelink.wire.PatchJson;
import dev.livelink.wire.SceneJson;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a hub does with a version from another hub: takes the blobs it lacks from the message itself or from the
 * packs of the object store that hold them (see {@link Blobs}; each checked against its hash), stores the version
 * under an id that names its hub ({@code <hub>:<scene>}, so two "Unnamed" documents of two machines stay two
 * scenes) and delivers it to its receivers as a local publish would. A version
 * that can never be taken (a blob absent or altered, a malformed scene) is acked {@code failed} back to its sender
 * with the reason; one that fails for a reason that passes (NATS away) is retried.
 */
final class Inbound {
  enum Outcome { DONE, RETRY }

  /** Header of a version message whose manifest went to the object store (over the message limit). */
  static final String MANIFEST_HEADER = "Livelink-Manifest";
  /** Header of a version message carrying its new blobs after the manifest: the length of that pack, in bytes. */
  static final String INLINE_HEADER = "Livelink-Inline";

  private final String self;
  private final String host;
  private final Subjects subjects;
  private final Federation.Local local;
  private final Blobs blobs;
  private final Origins origins;
  private final Settler settler;
  private final Prefetch prefetch;
  private final Consumer<String> problem;
  private static final int FETCH_BATCH = 16;
  private static final java.time.Duration FETCH_WAIT = java.time.Duration.ofSeconds(1);
  private static final java.time.Duration RETRY = java.time.Duration.ofSeconds(1);
  /** Versions from other hubs taken into this hub's store. */
  final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
  /** Of those, the ones built from the change they carried instead of their whole manifest. */
  final java.util.concurrent.atomic.AtomicLong receivedAsChange = new java.util.concurrent.atomic.AtomicLong();

  Inbound(String self, String host, Subjects subjects, Federation.Local local, Blobs blobs, Origins origins,
      Settler settler, Prefetch prefetch, Consumer<String> problem) {
    this.self = self;
    this.host = host;
    this.subjects = subjects;
    this.local = local;
    this.blobs = blobs;
    this.origins = origins;
    this.settler = settler;
    this.prefetch = prefetch;
    this.problem = problem;
  }

  /** The local id of a scene from {@code hub}: its hub, then its own id. */
  static String localId(String hub, String scene) {
    return hub + ":" + scene;
  }

  /** The receiving thread: pulls this hub's durable consumer whenever the space is open. */
  void run(LinkState link) {
    JetStreamSubscription sub = null;
    int gen = 0;
    try {
      while (true) {
        Space s = link.awaitSpace();
        if (s == null) {
          return;
        }
        try {
          if (sub == null || gen != s.generation()) {
            unsubscribe(sub);
            sub = s.js().subscribe(subjects.scenes(), PullSubscribeOptions.builder().durable(subjects.durable(self))
                .configuration(Space.consumer(subjects, self)).build());
            gen = s.generation();
          }
          // Yields each message as it arrives (fetch would wait for a full batch or the whole wait).
          for (java.util.Iterator<Message> it = sub.iterate(FETCH_BATCH, FETCH_WAIT); it.hasNext(); ) {
            Message m = it.next();
            Unsynced written = new Unsynced();
            if (subjects.isScene(m.getSubject(), self)) {
              settler.ack(m, written); // its own: not even decoded (a 410-node manifest costs 1-5 ms to read)
            } else if (apply(s, m, written) == Inbound.Outcome.RETRY) {
              m.nakWithDelay(RETRY);
            } else {
              settler.ack(m, written); // once what was written for it is on disk
            }
          }
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
          link.problem("could not read the space's versions: " + e.getMessage());
          unsubscribe(sub);
          sub = null;
          link.pause(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
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

  /**
   * Takes a version: its blobs and the version itself are stored without waiting for the disk (their files go into
   * {@code written}; the message is acked only once they are durable, see {@link Settler}), and its receivers are
   * told at once.
   */
  Outcome apply(Space space, Message msg, Unsynced written) throws InterruptedException {
    VersionMessage m;
    byte[] inline;
    try {
      inline = inline(msg);
      m = VersionMessage.decode(manifest(space, msg, inline == null ? 0 : inline.length));
    } catch (FederationException | Blobs.Refused e) {
      problem.accept("a version on " + msg.getSubject() + " was dropped: " + e.getMessage());
      return Outcome.DONE; // a malformed message never becomes good
    } catch (IOException | JetStreamApiException e) {
      return Outcome.RETRY;
    }
    if (m.hub().equals(self)) {
      return Outcome.DONE;
    }
    Set<String> mine = null;
    if (m.targets() != null) {
      mine = new LinkedHashSet<>();
      for (VersionMessage.Target t : m.targets()) {
        if (t.hub().equals(self)) {
          mine.add(t.peer());
        }
      }
      if (mine.isEmpty()) {
        return Outcome.DONE; // targeted at other hubs' peers
      }
    }
    if (origins.seen(m.hub(), m.sceneId(), m.version()) && stillHeld(m)) {
      return Outcome.DONE; // redelivered, or older than what was taken
    }
    Scene scene = m.change() == null ? null : fromChange(m);
    if (scene != null) {
      receivedAsChange.incrementAndGet();
    } else {
      try {
        Scene sent = SceneJson.scene(m.wholeScene());
        scene = new Scene(Ids.check("scene id", localId(m.hub(), sent.id())), sent.name(), sent.source(),
            sent.units(), sent.up(), sent.nodes());
      } catch (ModelException e) {
        fail(space, m, mine, "the version cannot be taken: " + e.getMessage());
        return Outcome.DONE;
      }
    }
    SceneStore store = local.store();
    try {
      List<String> missing = store.blobs().missing(scene.meshes());
      if (!missing.isEmpty() && inline == null) {
        prefetch.awaitHeld(missing, Prefetch.CATCH_UP); // the packs put before this message: most often kept by now
        missing = store.blobs().missing(missing);
      }
      if (!missing.isEmpty()) {
        store.blobs().putAllUnsynced(blobs.fetch(space, m, inline, missing), written); // checked again there
      }
    } catch (Blobs.Refused e) {
      fail(space, m, mine, e.getMessage());
      return Outcome.DONE;
    } catch (StoreException | ModelException e) {
      fail(space, m, mine, "a blob was refused: " + e.getMessage());
      return Outcome.DONE;
    } catch (IOException | JetStreamApiException e) {
      return Outcome.RETRY;
    }
    List<Target> targets = null;
    if (mine != null) {
      targets = new ArrayList<>();
      for (VersionMessage.Target t : m.targets()) {
        if (t.hub().equals(self)) {
          targets.add(new Target(t.peer(), t.app(), t.document()));
        }
      }
    }
    SceneStore.Published p;
    try {
      p = store.publishUnsynced(scene, null, targets, written);
    } catch (StoreException e) {
      fail(space, m, mine, e.getMessage());
      return Outcome.DONE;
    }
    origins.record(scene.id(), p.version().number(), new Origins.Origin(m.hub(), m.sceneId(), m.version()));
    received.incrementAndGet();
    local.deliver(p.version(), mine);
    return Outcome.DONE;
  }

  /**
   * The version built from the change it carries, when this hub's latest version of the scene is the one the change
   * applies to (taken from the same hub, and nothing stored over it since); null when it is not, or when the change
   * does not apply or does not give the scene the message lists (its blobs): the whole manifest is read then. A hub
   * that missed a version, or takes one again after a restart, reads the manifest.
   */
  private Scene fromChange(VersionMessage m) {
    String id = localId(m.hub(), m.sceneId());
    try {
      ScenePatch change = PatchJson.read(id, m.change());
      Integer base = origins.localVersion(m.hub(), m.sceneId(), change.base());
      Version latest = base == null ? null : local.store().latest(id);
      if (latest == null || latest.number() != base) {
        return null;
      }
      Scene scene = change.applyTo(latest.scene());
      return scene.meshes().equals(new java.util.HashSet<>(m.blobs())) ? scene : null;
    } catch (ModelException | IllegalArgumentException e) {
      return null; // the manifest says it whole
    }
  }

  /**
   * Whether the version a redelivered message names is still in the store: a power cut before the store's fsync can
   * have lost it while the line saying it was taken survived (neither is fsync'd before the ack), and then it is
   * taken again. An older version than the one taken is never taken again.
   */
  private boolean stillHeld(VersionMessage m) {
    Integer local = origins.localVersion(m.hub(), m.sceneId(), m.version());
    return local == null || this.local.store().header(localId(m.hub(), m.sceneId()), local) != null;
  }

  /** The blobs that came after the manifest in the message (a pack), or null. */
  private static byte[] inline(Message msg) throws Blobs.Refused {
    String n = msg.getHeaders() == null ? null : msg.getHeaders().getFirst(INLINE_HEADER);
    if (n == null) {
      return null;
    }
    byte[] data = msg.getData();
    int length;
    try {
      length = Integer.parseInt(n);
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0 || length > data.length) {
      throw new Blobs.Refused(INLINE_HEADER + " \"" + n + "\" is not a length within the message's "
          + data.length + " bytes");
    }
    return Arrays.copyOfRange(data, data.length - length, data.length);
  }

  /**
   * The message's manifest: in the message before its {@code inline} bytes, or in the object store when it was over
   * the message limit.
   */
  private byte[] manifest(Space space, Message msg, int inline)
      throws IOException, JetStreamApiException, InterruptedException, Blobs.Refused {
    String name = msg.getHeaders() == null ? null : msg.getHeaders().getFirst(MANIFEST_HEADER);
    if (name == null) {
      byte[] data = msg.getData();
      return inline == 0 ? data : Arrays.copyOf(data, data.length - inline);
    }
    if (!name.startsWith("manifest-") || !Ids.isSha256(name.substring(9))) {
      throw new Blobs.Refused("manifest name \"" + name + "\" is not manifest-<sha256>");
    }
    return blobs.manifest(space, name, name.substring(9), VersionMessage.MAX_UNPACKED);
  }

  /** Acks {@code failed} to the sender for each receiver here the version was for (or for the hub, when none). */
  private void fail(Space space, VersionMessage m, Set<String> mine, String reason) {
    problem.accept("version " + m.version() + " of scene \"" + m.sceneId() + "\" from " + m.host() + ": " + reason);
    List<Peer> to = new ArrayList<>();
    for (Peer p : local.peers()) {
      if (p.receives() && (mine == null || mine.contains(p.id()))) {
        to.add(p);
      }
    }
    if (to.isEmpty()) {
      relay(space, m.hub(), m.sceneId(), m.version(), "hub-" + self, failed(m, "hub-" + self, reason).put("app", "livelink"));
    }
    for (Peer p : to) {
      relay(space, m.hub(), m.sceneId(), m.version(), p.id(), failed(m, p.id(), reason).put("app", p.app())
          .put("appVersion", p.appVersion()).put("document", p.document()));
    }
  }

  private ObjectNode failed(VersionMessage m, String peer, String reason) {
    ObjectNode a = Json.object();
    a.put("scene", m.sceneId()).put("version", m.version()).put("peer", peer).put("status", "failed")
        .put("reason", reason);
    a.set("timings", Json.object());
    return a;
  }

  /** A local peer acked a version: when it came from another hub, the ack goes back there. */
  void acked(Space space, String scene, int version, ObjectNode ack) {
    Origins.Origin o = origins.of(scene, version);
    if (o == null) {
      return;
    }
    ObjectNode a = ack.deepCopy();
    a.put("scene", o.scene()).put("version", o.version());
    relay(space, o.hub(), o.scene(), o.version(), ack.path("peer").asText(), a);
  }

  /** Core NATS: an ack whose hub is away is not kept (its sender stopped waiting); while reconnecting, it waits. */
  private void relay(Space space, String hub, String scene, int version, String peer, ObjectNode ack) {
    ack.put("hub", self).put("host", host);
    ObjectNode o = Json.object().put("scene", scene).put("version", version).put("peer", peer);
    o.set("ack", ack);
    space.conn().publish(subjects.acks(hub), Json.bytes(o));
  }

  /** An ack relayed from another hub, for a version this hub published. */
  void remoteAck(Message msg) {
    ObjectNode o;
    try {
      o = Json.parseObject(msg.getData());
      String scene = Json.text(o, "scene");
      int version = o.path("version").asInt(0);
      String peer = Json.text(o, "peer");
      if (!o.path("ack").isObject() || local.store().header(scene, version) == null) {
        return; // not a version this hub keeps
      }
      local.remoteAck(scene, version, peer, (ObjectNode) o.get("ack"));
    } catch (RuntimeException e) {
      problem.accept("an ack from another hub was dropped: " + e.getMessage());
    }
  }
}
