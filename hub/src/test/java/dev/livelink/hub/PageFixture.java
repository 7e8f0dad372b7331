package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.MeshData;
import dev.livelink.wire.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A hub with a sender (FreeCAD 1.0, document Demo) and a receiver that acts as Blender 4.3 (shop.blend) would: on
 * each version it fetches the delta and acks with timings. Scenes are cubes in metres, Z up, each one colour.
 */
final class PageFixture implements AutoCloseable {
  final TestHub t;
  final String sender;
  final String receiver;
  final TestHub.Events senderEvents;
  final TestHub.Events receiverEvents;
  /** Versions the receiver acked, as "scene v". */
  final BlockingQueue<String> acked = new LinkedBlockingQueue<>();
  private final Thread receiving;

  PageFixture(TestHub t) throws Exception {
    this.t = t;
    sender = register("FreeCAD", "1.0.0", "Demo", "sender");
    receiver = register("Blender", "4.3.2", "shop.blend", "both");
    senderEvents = t.events(sender);
    receiverEvents = t.events(receiver);
    if (senderEvents.next("hello") == null || receiverEvents.next("hello") == null) {
      throw new AssertionError("no hello on the peers' streams");
    }
    receiving = new Thread(this::receive, "fake-blender");
    receiving.setDaemon(true);
    receiving.start();
  }

  String register(String app, String version, String document, String role) throws Exception {
    ObjectNode o = Json.object().put("app", app).put("appVersion", version).put("pid", 4242)
        .put("document", document).put("role", role);
    o.putArray("accepts").add("livelink-mesh");
    return t.call("POST", "/v1/peers", o).json().get("id").asText();
  }

  /** The fake Blender: fetches each version's delta, then acks it ok with timings, as the add-on does. */
  private void receive() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        JsonNode v = receiverEvents.next("version", d -> true, Duration.ofDays(1));
        if (v == null) {
          return;
        }
        String scene = v.get("scene").asText();
        int version = v.get("version").asInt();
        long started = System.nanoTime();
        JsonNode delta = t.get("/v1/scenes/" + scene + "/delta?from=0").json();
        double fetch = (System.nanoTime() - started) / 1e6;
        ObjectNode ack = Json.object().put("peer", receiver).put("status", "ok");
        ack.putObject("timings").put("fetch_ms", fetch).put("pickup_ms", 4.0).put("build_ms", 11.0)
            .put("total_ms", fetch + 15).put("objects", delta.get("added").size());
        t.call("POST", "/v1/scenes/" + scene + "/versions/" + version + "/acks", ack);
        acked.add(scene + " " + version);
      }
    } catch (InterruptedException e) {
      // Closed.
    } catch (Exception e) {
      acked.add("failed: " + e);
    }
  }

  /** A cube of edge {@code size} centred at (x, y, z), split per face (24 vertices, 12 triangles). */
  static MeshData cube(float size, float x, float y, float z) {
    float h = size / 2;
    float[][] corners = new float[8][];
    for (int i = 0; i < 8; i++) {
      corners[i] = new float[] {x + ((i & 1) == 0 ? -h : h), y + ((i & 2) == 0 ? -h : h), z + ((i & 4) == 0 ? -h : h)};
    }
    int[][] faces = {{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4}, {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}};
    float[] p = new float[24 * 3];
    int[] idx = new int[36];
    for (int f = 0; f < 6; f++) {
      for (int k = 0; k < 4; k++) {
        System.arraycopy(corners[faces[f][k]], 0, p, (f * 4 + k) * 3, 3);
      }
      int b = f * 4;
      System.arraycopy(new int[] {b, b + 1, b + 2, b, b + 2, b + 3}, 0, idx, f * 6, 6);
    }
    return new MeshData(p, idx, null, null);
  }

  static ObjectNode node(String id, String name, String parent, String mesh, double... rgb) {
    ObjectNode n = Json.object().put("id", id).put("name", name);
    if (parent == null) n.putNull("parent"); else n.put("parent", parent);
    ArrayNode tr = n.putArray("transform");
    for (int i = 0; i < 16; i++) {
      tr.add(i % 5 == 0 ? 1.0 : 0.0);
    }
    if (mesh == null) n.putNull("mesh"); else n.put("mesh", mesh);
    ArrayNode materials = n.putArray("materials");
    if (rgb.length == 3) {
      materials.addObject().put("name", "paint").putArray("color").add(rgb[0]).add(rgb[1]).add(rgb[2]).add(1.0);
    }
    return n;
  }

  /** {@code n} moved by (x, y, z) in its scene's units: the row-major transform's last column. */
  static ObjectNode translated(ObjectNode n, double x, double y, double z) {
    ArrayNode tr = (ArrayNode) n.get("transform");
    tr.set(3, x);
    tr.set(7, y);
    tr.set(11, z);
    return n;
  }

  /** Publishes {@code nodes} as scene {@code id} from the sender, in metres, Z up; returns the version. */
  int publish(String id, String name, List<ObjectNode> nodes) throws Exception {
    return publish(id, name, "m", "Z", nodes);
  }

  int publish(String id, String name, String units, String up, List<ObjectNode> nodes) throws Exception {
    ObjectNode scene = Json.object().put("id", id).put("name", name).put("source", "FreeCAD 1.0.0")
        .put("units", units).put("up", up);
    ArrayNode a = scene.putArray("nodes");
    nodes.forEach(a::add);
    ObjectNode body = Json.object().put("sender", sender);
    body.set("scene", scene);
    TestHub.Response r = t.call("POST", "/v1/scenes", body);
    if (r.status() != 201) {
      throw new AssertionError("publish failed: " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.json().get("version").asInt();
  }

  /** A session cookie ("name=value") for the page, got as a browser gets it: a login code, then /login. */
  String session() throws Exception {
    String url = t.call("POST", "/v1/page/logins", Json.object()).json().get("url").asText();
    HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding());
    String set = r.headers().firstValue("Set-Cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  @Override
  public void close() throws Exception {
    receiving.interrupt();
    senderEvents.close();
    receiverEvents.close();
  }
}
