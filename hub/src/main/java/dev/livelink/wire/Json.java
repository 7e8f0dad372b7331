package dev.livelink.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.ModelException;
import java.io.IOException;

/** The one shared ObjectMapper and small helpers for reading required fields with errors that name them. */
public final class Json {
  /**
   * Doubles are most of a scene's JSON (16 per transform): read and written with Jackson's exact fast algorithms
   * instead of the JDK 17 ones, a third less time for a 410-node scene. The values are the same.
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .addDecorator((factory, g) -> new FastDoubles(g)) // whole numbers without the digit search
          .build())
      .build();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Parses a JSON document that must be an object. */
  public static ObjectNode parseObject(byte[] body) {
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException e) {
      String msg = e.getMessage();
      int cut = msg.indexOf("\n");
      throw new ModelException("malformed JSON: " + (cut > 0 ? msg.substring(0, cut) : msg));
    }
    if (n == null || !n.isObject()) {
      throw new ModelException("expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType()));
    }
    return (ObjectNode) n;
  }

  public static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new ModelException("field \"" + field + "\" must be a string");
    }
    return n.asText();
  }

  public static String textOr(JsonNode o, String field, String dflt) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw new ModelException("field \"" + field + "\" must be a string");
    }
    return n.asText();
  }

  public static double number(JsonNode o, String field, double dflt) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw new ModelException("field \"" + field + "\" must be a number");
    }
    return n.asDouble();
  }

  public static ArrayNode arrayOr(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return array();
    }
    if (!n.isArray()) {
      throw new ModelException("field \"" + field + "\" must be an array");
    }
    return (ArrayNode) n;
  }
}
