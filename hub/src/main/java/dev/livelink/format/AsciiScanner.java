package dev.livelink.format;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over the bytes of a text file that parses numbers in place, so text readers allocate nothing per line.
 * Errors quote the current line.
 */
final class AsciiScanner {
  private static final double[] POW10 = new double[23];
  // Multiplying by 10^-k instead of dividing by 10^k costs a double ulp at most, far below float precision,
  // and a multiply is several times cheaper than a divide on the hot path.
  private static final double[] NEG_POW10 = new double[23];

  static {
    POW10[0] = 1;
    NEG_POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
      NEG_POW10[i] = Double.parseDouble("1e-" + i);
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
    return e == s ? "" : new String(b, s, e - s, StandardCharsets.UTF_8);
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

  /**
   * Parses a decimal float (sign, digits, optional fraction and exponent). The common case of up to 18 digits is
   * one pass into a long mantissa scaled by an exact power of ten; anything longer goes through the slow path.
   */
  float parseFloat() {
    skipBlanks();
    final byte[] b = this.b;
    int p = pos;
    boolean neg = false;
    if (p < end && (b[p] == '-' || b[p] == '+')) {
      neg = b[p] == '-';
      p++;
    }
    int start = p;
    long mant = 0;
    int d;
    while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
      mant = mant * 10 + d;
      p++;
    }
    int digits = p - start;
    long exp = 0; // long: "1.5e-2147483647" must not wrap around to a huge positive exponent
    if (p < end && b[p] == '.') {
      p++;
      int frac = p;
      while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
        mant = mant * 10 + d;
        p++;
      }
      exp = frac - p;
      digits += p - frac;
    }
    if (digits == 0) {
      throw error("expected a number");
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      pos = p + 1;
      exp += parseInt();
      p = pos;
    }
    pos = p;
    if (digits > 18) {
      return slowFloat(start, neg);
    }
    double v = mant;
    if (exp < 0 && -exp < POW10.length) {
      v *= NEG_POW10[(int) -exp];
    } else if (exp > 0 && exp < POW10.length) {
      v *= POW10[(int) exp];
    } else if (exp != 0) {
      v = Double.parseDouble(mant + "e" + exp);
    }
    float f = (float) (neg ? -v : v);
    if (!Float.isFinite(f)) {
      throw error("number is out of float range");
    }
    return f;
  }

  /** More than 18 digits: rare enough to let the JDK parse the text. */
  private float slowFloat(int start, boolean neg) {
    String text = new String(b, start, pos - start, StandardCharsets.US_ASCII);
    float f = Float.parseFloat(text);
    if (!Float.isFinite(f)) {
      throw error("number is out of float range");
    }
    return neg ? -f : f;
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
