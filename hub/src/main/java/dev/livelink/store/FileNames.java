package dev.livelink.store;

import dev.livelink.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Ids as file names that mean the same on Linux, macOS and Windows. An id may hold capitals, {@code .} and
 * {@code :}; macOS and Windows file systems ignore case ("Doc" and "doc" would be one folder), Windows refuses
 * {@code :}, drops a trailing {@code .} and reserves device names (CON, NUL, COM1...). So every character outside
 * {@code [a-z0-9_-]}, capitals included, is written {@code %XX} (its hex code): "Doc" is {@code %44oc},
 * "a.b:c" is {@code a%2Eb%3Ac}. That is reversible and keeps case. A name that would come out longer than
 * {@link #MAX} characters (file names stop at 255) keeps its first part and ends in {@code ~} and 16 hex digits of
 * the id's SHA-256; the id itself is inside every file of the folder. A bare device name gets its first letter
 * escaped too ({@code %63on}).
 */
public final class FileNames {
  /** Longest name produced; well under the 255 every file system here allows. */
  public static final int MAX = 120;
  private static final int KEPT_WHEN_HASHED = 80;
  private static final Pattern DEVICE = Pattern.compile("con|prn|aux|nul|com[0-9]|lpt[0-9]");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private FileNames() {}

  /** The file name for {@code id} (an id as {@link dev.livelink.model.Ids#check} allows). */
  public static String encode(String id) {
    StringBuilder b = new StringBuilder(id.length() + 16);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (plain(c)) {
        b.append(c);
      } else {
        escape(b, c);
      }
    }
    if (b.length() > MAX) {
      int cut = KEPT_WHEN_HASHED;
      // Do not split a %XX escape.
      if (b.charAt(cut - 1) == '%') {
        cut -= 1;
      } else if (b.charAt(cut - 2) == '%') {
        cut -= 2;
      }
      b.setLength(cut);
      b.append('~').append(Sha256.hex(id.getBytes(StandardCharsets.UTF_8)), 0, 16);
      return b.toString();
    }
    if (DEVICE.matcher(b).matches()) {
      StringBuilder d = new StringBuilder();
      escape(d, b.charAt(0));
      return d.append(b, 1, b.length()).toString();
    }
    return b.toString();
  }

  /**
   * The id a name encodes, or null when the name is not one {@link #encode} makes or is a shortened one (ending in
   * {@code ~} and a hash), whose id is read from the files inside.
   */
  public static String decode(String name) {
    if (name.indexOf('~') >= 0) {
      return null;
    }
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && i + 2 < name.length()) {
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        b.append((char) (hi << 4 | lo));
        i += 2;
      } else if (plain(c)) {
        b.append(c);
      } else {
        return null;
      }
    }
    String id = b.toString();
    return encode(id).equals(name) ? id : null;
  }

  /** True when {@code name} is one that {@link #encode} produces (as opposed to a raw id of an older store). */
  public static boolean isEncoded(String name) {
    return name.indexOf('~') >= 0 ? name.matches("[a-z0-9_%-]*~[0-9a-f]{16}") : decode(name) != null;
  }

  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static void escape(StringBuilder b, char c) {
    if (c > 0xff) {
      throw new IllegalArgumentException("character U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
          + " cannot be in an id");
    }
    b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
  }
}
