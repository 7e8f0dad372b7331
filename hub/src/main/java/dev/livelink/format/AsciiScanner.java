package dev.livelink.format;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over the bytes of a text file that parses numbers in place, so text readers allocate nothing per line.
 * Errors quote the current line.
 */
final class AsciiScanner {
  private static final double[] POW10 = new double[23];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  final byte[] b;
  final int end;
  final String file;
  int pos;
  int line = 1;

  AsciiScanner(byte[] b, int start, int end, String file) {
    this.b = b;
    this.pos = start;
    this.end = end;
    this.file = file;
  }

  boolean atEnd() {
    return pos >= end;
  }

  /** Skips spaces and tabs (not newlines). */
  void skipBlanks() {
    while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r')) {
      pos++;
    }
  }

  boolean atLineEnd() {
    skipBlanks();
    return pos >= end || b[pos] == '\n';
  }

  /** Moves past the next newline. */
  void nextLine() {
    while (pos < end && b[pos] != '\n') {
      pos++;
    }
    if (pos < end) {
      pos++;
      line++;
    }
  }

  /** True when the bytes at the cursor are {@code word} followed by a blank or line end; then skips it. */
  boolean keyword(String word) {
    int n = word.length();
    if (pos + n > end) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    if (pos + n < end && b[pos + n] > ' ') {
      return false;
    }
    pos += n;
    return true;
  }

  /** The rest of the line, trimmed; allocates, so only for rare lines (names, headers). */
  String restOfLine() {
    skipBlanks();
    int s = pos;
    while (pos < end && b[pos] != '\n') {
      pos++;
    }
    int e = pos;
    while (e > s && b[e - 1] <= ' ') {
      e--;
    }
    return new String(b, s, e - s, StandardCharsets.UTF_8);
  }

  /** The next blank-separated token; allocates, so only for headers. */
  String token() {
    skipBlanks();
    int s = pos;
    while (pos < end && b[pos] > ' ') {
      pos++;
    }
    return new String(b, s, pos - s, StandardCharsets.UTF_8);
  }

  int parseInt() {
    skipBlanks();
    boolean neg = false;
    if (pos < end && (b[pos] == '-' || b[pos] == '+')) {
      neg = b[pos] == '-';
      pos++;
    }
    int start = pos;
    long v = 0;
    while (pos < end) {
      int d = b[pos] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
      if (v > Integer.MAX_VALUE) {
        throw error("integer too large");
      }
      pos++;
    }
    if (pos == start) {
      throw error("expected an integer");
    }
    return (int) (neg ? -v : v);
  }

  /** Parses a decimal float (digits, optional fraction and exponent); exact for up to 18 significant digits. */
  float parseFloat() {
    skipBlanks();
    boolean neg = false;
    if (pos < end && (b[pos] == '-' || b[pos] == '+')) {
      neg = b[pos] == '-';
      pos++;
    }
    long mant = 0;
    int exp = 0;
    int digits = 0;
    int start = pos;
    while (pos < end) {
      int d = b[pos] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      if (digits < 18) {
        mant = mant * 10 + d;
        if (mant != 0) digits++;
      } else {
        exp++;
      }
      pos++;
    }
    if (pos < end && b[pos] == '.') {
      pos++;
      while (pos < end) {
        int d = b[pos] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        if (digits < 18) {
          mant = mant * 10 + d;
          if (mant != 0) digits++;
          exp--;
        }
        pos++;
      }
    }
    if (pos == start || (pos == start + 1 && b[start] == '.')) {
      throw error("expected a number");
    }
    if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      exp += parseInt();
    }
    double v = mant;
    if (exp != 0) {
      if (exp > 0 && exp < POW10.length) {
        v *= POW10[exp];
      } else if (exp < 0 && -exp < POW10.length) {
        v /= POW10[-exp];
      } else {
        v = Double.parseDouble(mant + "e" + exp);
      }
    }
    float f = (float) (neg ? -v : v);
    if (!Float.isFinite(f)) {
      throw error("number is out of float range");
    }
    return f;
  }

  /** An error naming the file, the line number and the line's text. */
  FormatException error(String what) {
    int s = pos;
    while (s > 0 && b[s - 1] != '\n') {
      s--;
    }
    int e = s;
    while (e < end && b[e] != '\n' && e - s < 120) {
      e++;
    }
    String text = new String(b, s, e - s, StandardCharsets.UTF_8).strip();
    return new FormatException(file + ":" + line + ": " + what + " in \"" + text + "\"");
  }
}
