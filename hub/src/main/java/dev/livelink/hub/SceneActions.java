package dev.livelink.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.export.ExportFormat;
import dev.livelink.export.Exports;
import dev.livelink.export.OutputFile;
import dev.livelink.model.Ids;
import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.store.SceneStore;
import dev.livelink.store.Version;
import dev.livelink.wire.Json;
import dev.livelink.wire.SceneJson;
import java.io.IOException;
import java.util.List;

/**
 * What the hub's page does to a scene (and any client holding the token may): send its latest version again to one
 * receiver ({@code POST /v1/scenes/{id}/resend}), and download it as glTF binary or as its manifest
 * ({@code GET /v1/scenes/{id}/download?format=glb|manifest}).
 */
final class SceneActions {
  private final SceneStore store;
  private final Peers peers;
  private final AckBoard acks;
  private final HubEvents events;

  SceneActions(SceneStore store, Peers peers, AckBoard acks, HubEvents events) {
    this.store = store;
    this.peers = peers;
    this.acks = acks;
    this.events = events;
  }

  /**
   * Tells one receiver of the latest version, as catch-up does: a receiver that lacks it (a Blender opened later, a
   * deleted collection) fetches it and acks; one that holds it already has nothing to do. No new version is made.
   */
  void resend(Request r) throws IOException {
    Version v = latest(r);
    String peer = Json.text(r.jsonBody(), "peer");
    Peer p = peers.get(peer);
    if (p == null) {
      throw new HubException(404, "no peer \"" + peer + "\" (it may have left)");
    }
    if (!p.receives()) {
      throw new HubException(400, "peer \"" + peer + "\" is a " + p.role() + ", not a receiver");
    }
    if (peer.equals(v.sender())) {
      throw new HubException(400, "peer \"" + peer + "\" sent version " + v.number() + " of scene \""
          + v.scene().id() + "\" itself");
    }
    acks.caughtUp(v.scene().id(), v.number(), peer); // so its ack counts
    peers.send(peer, "version", SceneRoutes.versionEvent(v));
    events.resent(v.scene().id(), v.number(), peer);
    r.json(202, Json.object().put("scene", v.scene().id()).put("version", v.number()).put("peer", peer));
  }

  /** The latest version as a file to save: {@code glb} (the default) or {@code manifest} (the scene's JSON). */
  void download(Request r) throws IOException {
    Version v = latest(r);
    String format = r.query().get("format");
    String base = v.scene().id().replaceAll("[^A-Za-z0-9_.-]", "_") + "-v" + v.number();
    if ("manifest".equals(format)) {
      ObjectNode o = Json.object().put("version", v.number());
      o.set("scene", SceneJson.write(v.scene()));
      attachment(r, base + ".json", "application/json", Json.bytes(o));
      return;
    }
    if (format != null && !format.equals("glb")) {
      throw new HubException(400, "download format \"" + format + "\" must be glb or manifest");
    }
    List<OutputFile> files = Exports.write(v.scene(), this::mesh, ExportFormat.GLB, base);
    OutputFile glb = files.get(files.size() - 1);
    attachment(r, glb.name(), "model/gltf-binary", glb.bytes());
  }

  private MeshData mesh(String hash) {
    byte[] b = store.blobs().get(hash);
    return b == null ? null : MeshBlob.decode(b);
  }

  private static void attachment(Request r, String name, String type, byte[] body) throws IOException {
    r.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    r.send(200, type, body);
  }

  private Version latest(Request r) {
    String id = Ids.check("scene id", r.param("scene"));
    Version v = store.latest(id);
    if (v == null) {
      throw new HubException(404, "no scene \"" + id + "\"");
    }
    return v;
  }
}
