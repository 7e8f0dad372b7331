package dev.livelink.model;

/**
 * Rules for identifiers that end up in URLs and file names. Checked by hand, not by a regular expression: a hub
 * checks every hash of every request, manifest and pack (thousands per send), and a matcher per check was 3.4% of a
 * federated first send's sampled CPU (docs/performance.md).
 */
public final class Ids {
  private static final int MAX_ID = 200;

  private Ids() {}

  /** {@code id} if it is 1-200 of A-Z a-z 0-9 _ . : - and not "." or "..". */
  public static String check(String what, String id) {
    if (!isId(id)) {
      throw new ModelException(what + " \"" + id + "\" must be 1-200 of A-Z a-z 0-9 _ . : -");
    }
    return id;
  }

  private static boolean isId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID || id.equals(".") || id.equals("..")) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a SHA-256 in lowercase hex. */
  public static boolean isSha256(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
