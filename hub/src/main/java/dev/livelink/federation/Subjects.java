package dev.livelink.federation;

import java.nio.charset.StandardCharsets;

/**
 * The names a space uses on NATS (docs/studio.md lists them). A subject token cannot hold {@code .}, {@code *},
 * {@code >} or white space, and scene ids may hold {@code .}: ids are encoded by {@link #token}.
 */
final class Subjects {
  final String space;
  final String prefix;

  Subjects(String space) {
    this.space = space;
    this.prefix = "livelink." + space;
  }

  /** The JetStream stream of scene versions: one subject per (hub, scene), only the latest message kept. */
  String stream() {
    return "LIVELINK_" + space;
  }

  String scenes() {
    return prefix + ".scene.>";
  }

  String scene(String hub, String sceneId) {
    return prefix + ".scene." + hub + "." + token(sceneId);
  }

  /** Whether {@code subject} is one of {@code hub}'s own scene subjects (see {@link #scene}). */
  boolean isScene(String subject, String hub) {
    return subject.startsWith(prefix + ".scene." + hub + ".");
  }

  /** Acks for versions a hub published, relayed back to it (core NATS). */
  String acks(String hub) {
    return prefix + ".ack." + hub;
  }

  /** KV bucket of every hub's peers, one key per hub, entries expiring. */
  String peersBucket() {
    return "livelink-" + space + "-peers";
  }

  /** Object Store of mesh blobs (and of manifests over the message limit), keyed by SHA-256. */
  String blobsBucket() {
    return "livelink-" + space + "-blobs";
  }

  /** The durable consumer through which a hub catches up on what it missed. */
  String durable(String hub) {
    return "hub-" + hub;
  }

  /**
   * A subject token for any string: {@code %}, {@code .}, {@code *}, {@code >}, control characters, white space and
   * non-ASCII bytes become {@code %XX} (UTF-8); different strings give different tokens.
   */
  static String token(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if (u <= 0x20 || u >= 0x7f || u == '%' || u == '.' || u == '*' || u == '>') {
        b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(u & 15, 16)));
      } else {
        b.append((char) u);
      }
    }
    return b.toString();
  }
}
