package dev.livelink.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.livelink.model.Delta;
import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scene's JSON ({@link SceneJson#write(Scene)}, as the hub stores it) with where each node's JSON lies in it.
 * A delta is then written by copying node bytes instead of encoding nodes again, and a version whose nodes did not
 * change takes its predecessor's bytes. Encoding is most of what publishing and serving a delta cost the hub:
 * about 1 µs per node, a double at a time. Immutable.
 */
public final class EncodedScene {
  /** No separator between root values: nodes are written one by one, the commas by hand. */
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory().copy().setRootValueSeparator(null)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final byte[] NODES = ",\"nodes\":[".getBytes(StandardCharsets.US_ASCII);

  private final Scene scene;
  private final byte[] json;
  private final int[] starts;
  private final int[] ends;
  private final Map<String, Integer> byId;

  private EncodedScene(Scene scene, byte[] json, int[] starts, int[] ends, Map<String, Integer> byId) {
    this.scene = scene;
    this.json = json;
    this.starts = starts;
    this.ends = ends;
    this.byId = byId;
  }

  /**
   * Encodes {@code scene}, copying the bytes of every node that equals the node of the same id in
   * {@code previous} (null: none).
   */
  public static EncodedScene encode(Scene scene, EncodedScene previous) {
    List<Node> nodes = scene.nodes();
    int n = nodes.size();
    int[] starts = new int[n];
    int[] ends = new int[n];
    Map<String, Integer> byId = new HashMap<>(2 * n);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 320 * n);
    byte[] head = Json.bytes(SceneJson.header(scene));
    out.write(head, 0, head.length - 1); // without its closing brace
    out.writeBytes(NODES);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      for (int i = 0; i < n; i++) {
        Node node = nodes.get(i);
        if (i > 0) {
          out.write(',');
        }
        starts[i] = out.size();
        int j = previous == null ? -1 : previous.indexOf(node.id());
        Node was = j < 0 ? null : previous.scene.nodes().get(j);
        if (was == node || (was != null && was.equals(node))) { // the same object: a patch's unchanged node
          out.write(previous.json, previous.starts[j], previous.ends[j] - previous.starts[j]);
        } else {
          write(g, node);
          g.flush();
        }
        ends[i] = out.size();
        byId.putIfAbsent(node.id(), i);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("encoding into memory failed", e);
    }
    out.write(']');
    out.write('}');
    return new EncodedScene(scene, out.toByteArray(), starts, ends, byId);
  }

  /** The same JSON as {@link SceneJson#write(Node)}. */
  private static void write(JsonGenerator g, Node n) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", n.id());
    g.writeStringField("name", n.name());
    g.writeStringField("parent", n.parent()); // null is written as null
    g.writeArrayFieldStart("transform");
    for (double v : n.transform().toArray()) {
      g.writeNumber(v);
    }
    g.writeEndArray();
    g.writeStringField("mesh", n.mesh());
    g.writeArrayFieldStart("materials");
    for (Material m : n.materials()) {
      g.writeStartObject();
      g.writeStringField("name", m.name());
      g.writeArrayFieldStart("color");
      g.writeNumber(m.color().r());
      g.writeNumber(m.color().g());
      g.writeNumber(m.color().b());
      g.writeNumber(m.color().a());
      g.writeEndArray();
      g.writeNumberField("metallic", m.metallic());
      g.writeNumberField("roughness", m.roughness());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("visible", n.visible());
    g.writeEndObject();
  }

  public Scene scene() {
    return scene;
  }

  /** The scene's JSON; the caller must not change it. */
  public byte[] json() {
    return json;
  }

  private int indexOf(String id) {
    Integer i = byId.get(id);
    return i == null ? -1 : i;
  }

  /**
   * The JSON of a delta to this scene ({@code d.scene()} is this one's), as {@link SceneJson#write(Delta)} writes
   * it, with the nodes' bytes copied from this scene's.
   */
  public byte[] delta(Delta d) {
    if (d.scene() != scene) {
      throw new IllegalArgumentException("the delta is to another scene than the one encoded");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 320 * (d.added().size() + d.changed().size()));
    out.writeBytes("{\"scene\":".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(Json.bytes(SceneJson.header(scene)));
    out.writeBytes(String.format(Locale.ROOT, ",\"from\":%d,\"to\":%d,\"full\":%b,\"added\":[", d.from(), d.to(),
        d.full()).getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < d.added().size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      node(out, d.added().get(i));
    }
    out.writeBytes("],\"changed\":[".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < d.changed().size(); i++) {
      Delta.Change c = d.changed().get(i);
      out.writeBytes((i > 0 ? ",{\"node\":" : "{\"node\":").getBytes(StandardCharsets.US_ASCII));
      node(out, c.node());
      out.writeBytes(",\"fields\":[".getBytes(StandardCharsets.US_ASCII));
      String sep = "";
      for (Delta.Field f : c.fields()) {
        out.writeBytes((sep + "\"" + f.name().toLowerCase(Locale.ROOT) + "\"").getBytes(StandardCharsets.US_ASCII));
        sep = ",";
      }
      out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("],\"removed\":[".getBytes(StandardCharsets.US_ASCII));
    JsonStringEncoder quote = JsonStringEncoder.getInstance();
    for (int i = 0; i < d.removed().size(); i++) {
      out.writeBytes(i > 0 ? ",\"".getBytes(StandardCharsets.US_ASCII) : "\"".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(quote.quoteAsUTF8(d.removed().get(i)));
      out.write('"');
    }
    out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** A node of this scene: its bytes; any other node is encoded afresh. */
  private void node(ByteArrayOutputStream out, Node n) {
    int j = indexOf(n.id());
    if (j >= 0 && scene.nodes().get(j) == n) {
      out.write(json, starts[j], ends[j] - starts[j]);
      return;
    }
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, n);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding into memory failed", e);
    }
  }
}
