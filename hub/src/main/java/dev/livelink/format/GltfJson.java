package dev.livelink.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON access with pointers into one glTF document: every value is checked for its type and range where it is read. */
final class GltfJson {
  /** Its own mapper: the wire's settings are for the protocol, these are for untrusted files. */
  static final ObjectMapper MAPPER = new ObjectMapper();

  final String name;
  final JsonNode root;

  GltfJson(String name, JsonNode root) {
    this.name = name;
    this.root = root;
  }

  JsonNode object(JsonNode n, String ptr) {
    if (n == null || !n.isObject()) {
      throw FormatException.at(name, ptr, "expected an object, found " + kind(n));
    }
    return n;
  }

  /** The array {@code field} of {@code n}, or an empty one when absent. */
  JsonNode array(JsonNode n, String field, String ptr) {
    JsonNode a = n.get(field);
    if (a == null) {
      return MAPPER.createArrayNode();
    }
    if (!a.isArray()) {
      throw FormatException.at(name, ptr + "/" + field, "expected an array, found " + kind(a));
    }
    return a;
  }

  /** Element {@code i} of the top-level array {@code field}, an object; {@code from} is where i was read. */
  JsonNode element(String field, String what, int i, String from) {
    JsonNode a = array(root, field, "");
    if (i >= a.size()) {
      throw FormatException.at(name, from, what + " " + i + " does not exist (the file has " + a.size() + ")");
    }
    return object(a.get(i), "/" + field + "/" + i);
  }

  /** An index into one of the top-level arrays: an integer in [0, 2^31). */
  int index(JsonNode n, String field, String ptr) {
    return (int) integer(n, field, ptr, -1, 0, Integer.MAX_VALUE - 1);
  }

  /** v when it is an integer in [0, size), else -1 (then {@link #index(JsonNode, String, int, String)} says why). */
  static int quickIndex(JsonNode v, int size) {
    return v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 && v.intValue() < size ? v.intValue() : -1;
  }

  /** An integer in [0, size). */
  int index(JsonNode v, String ptr, int size, String what) {
    long i = integerValue(v, ptr, 0, Integer.MAX_VALUE);
    if (i >= size) {
      throw FormatException.at(name, ptr, what + " " + i + " does not exist (the file has " + size + ")");
    }
    return (int) i;
  }

  /** The integer {@code field} of {@code n} in [min, max]; {@code dflt} when absent, or required when dflt &lt; 0. */
  long integer(JsonNode n, String field, String ptr, long dflt, long min, long max) {
    JsonNode v = n.get(field);
    if (v == null) {
      if (dflt < 0) {
        throw FormatException.at(name, ptr, "\"" + field + "\" is missing");
      }
      return dflt;
    }
    return integerValue(v, ptr + "/" + field, min, max);
  }

  private long integerValue(JsonNode v, String ptr, long min, long max) {
    // 8 and 8.0 are the same JSON number; 8.5, 1e400 and 99999999999999999999 are not integers we can use.
    double d = v.isNumber() ? v.doubleValue() : Double.NaN;
    if (!(d == Math.rint(d) && d >= min && d <= max)) {
      throw FormatException.at(name, ptr, "expected an integer from " + min + " to " + max + ", found "
          + text(v));
    }
    return (long) d;
  }

  double number(JsonNode n, String field, String ptr, double dflt) {
    JsonNode v = n.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw FormatException.at(name, ptr + "/" + field, "expected a finite number, found " + text(v));
    }
    return v.doubleValue();
  }

  /** The array of numbers {@code field} with min..max entries, or {@code dflt} when absent. */
  double[] numbers(JsonNode n, String field, String ptr, int min, int max, double... dflt) {
    JsonNode a = n.get(field);
    if (a == null && dflt.length > 0) {
      return dflt;
    }
    String fp = ptr + "/" + field;
    if (a == null || !a.isArray() || a.size() < min || a.size() > max) {
      throw FormatException.at(name, fp, "expected " + (min == max ? "" + min : min + " to " + max)
          + " numbers, found " + (a != null && a.isArray() ? a.size() + " entries" : kind(a)));
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        throw FormatException.at(name, fp + "/" + i, "expected a finite number, found " + text(v));
      }
      out[i] = v.doubleValue();
    }
    return out;
  }

  private static String kind(JsonNode n) {
    return n == null || n.isMissingNode() ? "nothing" : n.getNodeType().toString().toLowerCase();
  }

  /** A value as it appears in the file, cut short. */
  private static String text(JsonNode v) {
    String s = v.isTextual() ? "\"" + v.textValue() + "\"" : v.isValueNode() ? v.asText() : kind(v);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  static String quote(String s) {
    return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
  }
}
