package dev.livelink.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Delta;
import dev.livelink.model.Material;
import dev.livelink.model.ModelException;
import dev.livelink.model.Node;
import dev.livelink.model.Rgba;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The JSON form of scenes, nodes and deltas, as documented in docs/protocol.md. */
public final class SceneJson {
  private SceneJson() {}

  /**
   * A scene as a sender publishes it, held to every rule, {@link Scene#checkHierarchy()} included.
   *
   * @throws ModelException naming the first field or node that breaks a rule
   */
  public static Scene scene(JsonNode o) {
    return storedScene(o).checkHierarchy();
  }

  /**
   * A scene as the hub's store wrote it: the rules of the model, but not those added to what the hub accepts since
   * (a version stored before them stays readable).
   */
  public static Scene storedScene(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new ModelException("field \"scene\" must be an object");
    }
    List<Node> nodes = new ArrayList<>();
    for (JsonNode n : Json.arrayOr(o, "nodes")) {
      nodes.add(node(n));
    }
    return new Scene(
        Json.text(o, "id"),
        Json.textOr(o, "name", Json.text(o, "id")),
        Json.textOr(o, "source", "unknown"),
        Units.parse(Json.textOr(o, "units", "m")),
        UpAxis.parse(Json.textOr(o, "up", "Z")),
        nodes);
  }

  public static Node node(JsonNode o) {
    if (!o.isObject()) {
      throw new ModelException("each node must be an object, got " + o.getNodeType());
    }
    String id = Json.text(o, "id");
    try {
      Transform t = Transform.IDENTITY;
      JsonNode tn = o.get("transform");
      if (tn != null && !tn.isNull()) {
        if (!tn.isArray()) {
          throw new ModelException("transform must be an array of 16 numbers");
        }
        double[] m = new double[tn.size()];
        for (int i = 0; i < m.length; i++) {
          if (!tn.get(i).isNumber()) {
            throw new ModelException("transform holds \"" + tn.get(i) + "\", not a number");
          }
          m[i] = tn.get(i).asDouble();
        }
        t = Transform.of(m);
      }
      List<Material> mats = new ArrayList<>();
      for (JsonNode m : Json.arrayOr(o, "materials")) {
        mats.add(material(m));
      }
      JsonNode vis = o.get("visible");
      if (vis != null && !vis.isNull() && !vis.isBoolean()) {
        throw new ModelException("field \"visible\" must be true or false, not " + vis);
      }
      return new Node(id, Json.textOr(o, "name", id), Json.textOr(o, "parent", null), t,
          Json.textOr(o, "mesh", null), mats, vis == null || vis.isNull() || vis.booleanValue());
    } catch (ModelException e) {
      throw e.getMessage().startsWith("node \"") ? e : new ModelException("node \"" + id + "\": " + e.getMessage());
    }
  }

  static Material material(JsonNode o) {
    if (!o.isObject()) {
      throw new ModelException("each material must be an object");
    }
    String name = Json.textOr(o, "name", "material");
    JsonNode c = o.get("color");
    if (c == null || !c.isArray() || (c.size() != 3 && c.size() != 4)) {
      throw new ModelException("material \"" + name + "\": color must be [r, g, b] or [r, g, b, a]");
    }
    for (JsonNode channel : c) {
      // asDouble() would read "red" as 0: a colour that is not numbers is refused, not guessed.
      if (!channel.isNumber()) {
        throw new ModelException("material \"" + name + "\": color holds " + channel + ", not a number");
      }
    }
    double a = c.size() == 4 ? c.get(3).asDouble() : 1.0;
    return new Material(name, new Rgba(c.get(0).asDouble(), c.get(1).asDouble(), c.get(2).asDouble(), a),
        Json.number(o, "metallic", 0.0), Json.number(o, "roughness", 0.5));
  }

  public static ObjectNode header(Scene s) {
    ObjectNode o = Json.object();
    o.put("id", s.id()).put("name", s.name()).put("source", s.source()).put("units", s.units().code())
        .put("up", s.up().name());
    return o;
  }

  public static ObjectNode write(Scene s) {
    ObjectNode o = header(s);
    ArrayNode nodes = o.putArray("nodes");
    for (Node n : s.nodes()) {
      nodes.add(write(n));
    }
    return o;
  }

  public static ObjectNode write(Node n) {
    ObjectNode o = Json.object();
    o.put("id", n.id()).put("name", n.name());
    if (n.parent() == null) o.putNull("parent"); else o.put("parent", n.parent());
    ArrayNode t = o.putArray("transform");
    for (double v : n.transform().toArray()) t.add(v);
    if (n.mesh() == null) o.putNull("mesh"); else o.put("mesh", n.mesh());
    ArrayNode mats = o.putArray("materials");
    for (Material m : n.materials()) {
      ObjectNode mo = mats.addObject();
      mo.put("name", m.name());
      mo.putArray("color").add(m.color().r()).add(m.color().g()).add(m.color().b()).add(m.color().a());
      mo.put("metallic", m.metallic()).put("roughness", m.roughness());
    }
    o.put("visible", n.visible());
    return o;
  }

  public static ObjectNode write(Delta d) {
    ObjectNode o = Json.object();
    o.set("scene", header(d.scene()));
    o.put("from", d.from()).put("to", d.to()).put("full", d.full());
    ArrayNode added = o.putArray("added");
    for (Node n : d.added()) added.add(write(n));
    ArrayNode changed = o.putArray("changed");
    for (Delta.Change c : d.changed()) {
      ObjectNode co = changed.addObject();
      co.set("node", write(c.node()));
      ArrayNode f = co.putArray("fields");
      for (Delta.Field field : c.fields()) f.add(field.name().toLowerCase(Locale.ROOT));
    }
    ArrayNode removed = o.putArray("removed");
    for (String id : d.removed()) removed.add(id);
    return o;
  }
}
