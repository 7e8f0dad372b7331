package dev.livelink.format;

import java.util.Arrays;

/** A growable int array without boxing. */
final class IntList {
  int[] a;
  int n;
  private final String file;

  /** @param file names the file in the error when the list would outgrow one array */
  IntList(int capacity, String file) {
    a = new int[Math.max(2, capacity)];
    this.file = file;
  }

  void add(int v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, grown(a.length, 1, file));
    }
    a[n++] = v;
  }

  int[] toArray() {
    return Arrays.copyOf(a, n);
  }

  /** Twice {@code length} (at least {@code more} beyond it), capped at the largest array the JVM allocates. */
  static int grown(int length, int more, String file) {
    long want = Math.max(2L * length, (long) length + more);
    if ((long) length + more > Inputs.MAX_BYTES) {
      throw new FormatException(file + ": the mesh has more than " + Inputs.MAX_BYTES
          + " numbers, more than one array holds");
    }
    return (int) Math.min(want, Inputs.MAX_BYTES);
  }
}
