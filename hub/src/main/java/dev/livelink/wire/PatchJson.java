package dev.livelink.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.ModelException;
import dev.livelink.model.Node;
import dev.livelink.model.ScenePatch;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of {@code POST /v1/scenes/{id}/versions} (docs/protocol.md, "Publishing what changed"):
 * {@code {"base": N, "upsert": [nodes], "remove": [ids], "name"?, "source"?, "units"?, "up"?}} beside the
 * {@code targets} and {@code sender} of a whole publish.
 */
public final class PatchJson {
  private PatchJson() {}

  /**
   * The patch of scene {@code sceneId} (the id is the path's) that {@code o} holds.
   *
   * @throws ModelException naming the field or node that breaks a rule
   */
  public static ScenePatch read(String sceneId, JsonNode o) {
    JsonNode base = o.get("base");
    if (base == null || !base.canConvertToInt() || !base.isIntegralNumber()) {
      throw new ModelException("field \"base\" must be the version the patch applies to, a whole number");
    }
    List<Node> upsert = new ArrayList<>();
    for (JsonNode n : Json.arrayOr(o, "upsert")) {
      upsert.add(SceneJson.node(n));
    }
    List<String> remove = new ArrayList<>();
    for (JsonNode id : Json.arrayOr(o, "remove")) {
      if (!id.isTextual()) {
        throw new ModelException("field \"remove\" must hold node ids, not " + id);
      }
      remove.add(id.asText());
    }
    String units = Json.textOr(o, "units", null);
    String up = Json.textOr(o, "up", null);
    return new ScenePatch(sceneId, base.intValue(), Json.textOr(o, "name", null), Json.textOr(o, "source", null),
        units == null ? null : Units.parse(units), up == null ? null : UpAxis.parse(up), upsert, remove);
  }

  /** The body that publishes {@code p}, without targets or sender. */
  public static ObjectNode write(ScenePatch p) {
    ObjectNode o = Json.object();
    o.put("base", p.base());
    if (p.name() != null) o.put("name", p.name());
    if (p.source() != null) o.put("source", p.source());
    if (p.units() != null) o.put("units", p.units().code());
    if (p.up() != null) o.put("up", p.up().name());
    ArrayNode upsert = o.putArray("upsert");
    p.upsert().forEach(n -> upsert.add(SceneJson.write(n)));
    ArrayNode remove = o.putArray("remove");
    p.remove().forEach(remove::add);
    return o;
  }
}
