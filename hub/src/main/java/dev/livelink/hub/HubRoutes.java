package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.RuntimeFile;
import dev.livelink.store.SceneStore;
import dev.livelink.wire.Json;
import java.io.IOException;

/** {@code /v1/hub}: who is answering and how much it holds. */
final class HubRoutes {
  private final RuntimeFile runtime;
  private final SceneStore store;
  private final Peers peers;
  private final Federation federation;

  HubRoutes(RuntimeFile runtime, SceneStore store, Peers peers, Federation federation) {
    this.federation = federation;
    this.runtime = runtime;
    this.store = store;
    this.peers = peers;
  }

  void status(Request r) throws IOException {
    ObjectNode o = Json.object().put("app", "livelink").put("version", runtime.version()).put("pid", runtime.pid())
        .put("peers", peers.list().size()).put("scenes", store.sceneCount())
        // Blobs held in memory until their own files are written: 0 once a hub has settled after a batch.
        .put("pendingBytes", store.blobs().pendingBytes());
    ObjectNode nats = federation.status();
    if (nats != null) {
      o.set("federation", nats);
    }
    r.json(200, o);
  }
}
