package dev.livelink.hub;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request's query string, decoded by {@link URLDecoder} as UTF-8. When a name repeats, its first value counts. */
final class Query {
  private final Map<String, String> values;

  private Query(Map<String, String> values) {
    this.values = values;
  }

  /** @param raw the still-encoded query, as {@link java.net.URI#getRawQuery()} gives it; null for none */
  static Query parse(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), raw);
        values.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1), raw));
      }
    }
    return new Query(values);
  }

  private static String decode(String s, String raw) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HubException(400, "query \"" + raw + "\" is not URL-encoded: " + e.getMessage());
    }
  }

  /** @return the value of {@code name}, or null when the query does not name it */
  String get(String name) {
    return values.get(name);
  }

  /** The value of {@code name} as a whole number ≥ 0, or {@code dflt} when absent. */
  int wholeNumber(String name, int dflt) {
    String v = values.get(name);
    return v == null ? dflt : wholeNumber(name, v);
  }

  /** Parses a whole number ≥ 0 from a query value or a path segment; {@code what} names it in the error. */
  static int wholeNumber(String what, String text) {
    try {
      int v = Integer.parseInt(text);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // Answered below, with the input quoted.
    }
    throw new HubException(400, what + " \"" + text + "\" is not a non-negative whole number");
  }
}
