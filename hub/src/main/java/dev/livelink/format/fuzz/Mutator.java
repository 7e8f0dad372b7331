package dev.livelink.format.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of seed files: one {@code long} gives the seed file and every edit, so a failing input is
 * reproduced from its seed alone. The edits are the ones that found the readers' bugs: bit flips, byte inserts and
 * deletes, numbers (as text or as binary words) replaced by huge, negative or non-finite values, truncation, and
 * copies of one span of the file into another place (which duplicates JSON array entries, nodes' children among
 * them). A GLB is half of the time taken apart, its JSON or BIN chunk mutated, and put together with correct
 * lengths, so that the mutations reach the glTF reader behind the GLB framing.
 */
public final class Mutator {
  /** A seed file: its name (which picks the reader) and its bytes. */
  public record Seed(String name, byte[] bytes) {}

  private static final String[] TEXT_NUMBERS = {
      "0", "1", "-1", "2", "3", "7", "255", "256", "-128", "65535", "65536", "16777217", "2147483647", "2147483648",
      "-2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807", "-9223372036854775808",
      "18446744073709551616", "99999999999999999999999999", "1e308", "1e309", "-1e309", "3.4e38", "3.5e38",
      "1e-45", "1e-400", "1.55e-2147483647", "1e2147483647", "0.5", "-0", "-0.0", "1.0", "NaN", "Infinity", "1e",
      "."};
  private static final long[] WORDS = {
      0, 1, -1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L,
      0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, 12, 36, 50, 84, 252, 1 << 20};
  private static final float[] FLOATS = {
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE,
      Float.MIN_VALUE, -0f, 1e20f};
  private static final String[] TOKENS = {
      "-", "1", "\n", " ", ",", "[", "]", "{", "}", "\"", ":", "[0,0]", "{}", "-1", "2147483647", "e9999", "/",
      "../", "f 1 1 1\n", "v 1 1 1\n", "o x\n", "usemtl m\n", "facet\n", "vertex 1 1 1\n", "endfacet\n",
      "element face 2147483647\n", "property list uint int vertex_indices\n", "\"children\":[0]", "\"uri\":\"../x\""};

  private Mutator() {}

  /** The input for {@code seed}: one seed file, mutated one to four times (one input in 32 is left as it is). */
  public static byte[] input(List<Seed> seeds, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Seed s = seeds.get(r.nextInt(seeds.size()));
    if (r.nextInt(32) == 0) {
      return s.bytes().clone();
    }
    boolean numbersOnly = r.nextInt(3) == 0;
    if (s.name().endsWith(".glb") && r.nextBoolean()) {
      byte[] glb = glb(s.bytes(), r, numbersOnly);
      if (glb != null) {
        return glb;
      }
    }
    return mutate(s.bytes(), r, numbersOnly);
  }

  /** The name of the seed file {@code input(seeds, seed)} starts from. */
  public static String seedName(List<Seed> seeds, long seed) {
    return seeds.get(new SplittableRandom(seed).nextInt(seeds.size())).name();
  }

  /**
   * One to four edits; {@code numbersOnly} keeps to replacing numbers, which leaves JSON and headers well formed
   * so that the edit reaches the counts, offsets and indices behind them.
   */
  static byte[] mutate(byte[] in, SplittableRandom r, boolean numbersOnly) {
    byte[] b = in;
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      b = numbersOnly ? textNumber(b, r) : edit(b, r);
    }
    return b;
  }

  private static byte[] edit(byte[] b, SplittableRandom r) {
    int n = b.length;
    switch (r.nextInt(10)) {
      case 0: { // flip one to four bits
        if (n == 0) return b;
        byte[] o = b.clone();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
          int at = r.nextInt(n);
          o[at] ^= (byte) (1 << r.nextInt(8));
        }
        return o;
      }
      case 1: { // insert random bytes
        byte[] ins = new byte[1 + r.nextInt(8)];
        for (int i = 0; i < ins.length; i++) ins[i] = (byte) r.nextInt(256);
        return insert(b, r.nextInt(n + 1), ins);
      }
      case 2: // insert a token that means something to one of the formats
        return insert(b, r.nextInt(n + 1), TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.US_ASCII));
      case 3: { // delete a span
        if (n == 0) return b;
        int at = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(64, n - at));
        return splice(b, at, len, new byte[0]);
      }
      case 4:
      case 5:
        return textNumber(b, r);
      case 6:
        return binaryWord(b, r);
      case 7: // truncate
        return Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n));
      case 8: { // copy a span into another place (duplicates array entries, faces, children)
        if (n == 0) return b;
        int at = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(256, n - at));
        return insert(b, r.nextInt(n + 1), Arrays.copyOfRange(b, at, at + len));
      }
      default: { // overwrite a span with a copy of another
        if (n < 2) return b;
        int from = r.nextInt(n);
        int to = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(64, Math.min(n - from, n - to)));
        byte[] o = b.clone();
        System.arraycopy(b, from, o, to, len);
        return o;
      }
    }
  }

  /** Replaces the decimal number at or after a random place with an extreme one. */
  private static byte[] textNumber(byte[] b, SplittableRandom r) {
    int n = b.length;
    if (n == 0) return b;
    int start = r.nextInt(n);
    int i = start;
    while (i < n && (b[i] < '0' || b[i] > '9')) i++;
    if (i == n) {
      i = 0;
      while (i < start && (b[i] < '0' || b[i] > '9')) i++;
      if (i == start) return binaryWord(b, r);
    }
    int s = i;
    while (s > 0 && (isNumberByte(b[s - 1]))) s--;
    int e = i;
    while (e < n && isNumberByte(b[e])) e++;
    String with = TEXT_NUMBERS[r.nextInt(TEXT_NUMBERS.length)];
    return splice(b, s, e - s, with.getBytes(StandardCharsets.US_ASCII));
  }

  private static boolean isNumberByte(byte c) {
    return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
  }

  /** Overwrites an aligned 1, 2, 4 or 8-byte word with an extreme integer or float, in either byte order. */
  private static byte[] binaryWord(byte[] b, SplittableRandom r) {
    int size = 1 << r.nextInt(4);
    if (b.length < size) return b;
    int at = r.nextInt(b.length - size + 1) / size * size;
    ByteBuffer o = ByteBuffer.wrap(b.clone()).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    if (size == 4 && r.nextInt(3) == 0) {
      o.putFloat(at, FLOATS[r.nextInt(FLOATS.length)]);
      return o.array();
    }
    long v = WORDS[r.nextInt(WORDS.length)];
    if (r.nextInt(4) == 0) v = -v;
    switch (size) {
      case 1: o.put(at, (byte) v); break;
      case 2: o.putShort(at, (short) v); break;
      case 4: o.putInt(at, (int) v); break;
      default: o.putLong(at, v); break;
    }
    return o.array();
  }

  /** Mutates one chunk of a GLB and frames it again with correct lengths; null when it is not a GLB. */
  private static byte[] glb(byte[] b, SplittableRandom r, boolean numbersOnly) {
    ByteBuffer g = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (b.length < 20) return null;
    int off = 12;
    byte[][] chunks = new byte[2][];
    int[] types = new int[2];
    for (int k = 0; k < 2 && off + 8 <= b.length; k++) {
      int len = g.getInt(off);
      if (len < 0 || off + 8L + len > b.length) return null;
      types[k] = g.getInt(off + 4);
      chunks[k] = Arrays.copyOfRange(b, off + 8, off + 8 + len);
      off += 8 + len;
    }
    if (chunks[0] == null) return null;
    int which = chunks[1] != null && r.nextInt(3) == 0 ? 1 : 0;
    chunks[which] = mutate(chunks[which], r, numbersOnly && which == 0);
    int total = 12;
    for (byte[] c : chunks) if (c != null) total += 8 + c.length;
    ByteBuffer o = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    o.put(b, 0, 8).putInt(total);
    for (int k = 0; k < 2; k++) {
      if (chunks[k] != null) o.putInt(chunks[k].length).putInt(types[k]).put(chunks[k]);
    }
    return o.array();
  }

  private static byte[] insert(byte[] b, int at, byte[] ins) {
    return splice(b, at, 0, ins);
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] ins) {
    byte[] o = new byte[b.length - remove + ins.length];
    System.arraycopy(b, 0, o, 0, at);
    System.arraycopy(ins, 0, o, at, ins.length);
    System.arraycopy(b, at + remove, o, at + ins.length, b.length - at - remove);
    return o;
  }
}
