package dev.livelink.format;

import java.util.Arrays;

/** A growable float array without boxing. */
final class FloatList {
  float[] a;
  int n;
  private final String file;

  /** @param file names the file in the error when the list would outgrow one array */
  FloatList(int capacity, String file) {
    a = new float[Math.max(2, capacity)];
    this.file = file;
  }

  void add(float v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, IntList.grown(a.length, 1, file));
    }
    a[n++] = v;
  }

  void add3(float x, float y, float z) {
    if (n + 3 > a.length) {
      a = Arrays.copyOf(a, IntList.grown(a.length, 3, file));
    }
    a[n] = x;
    a[n + 1] = y;
    a[n + 2] = z;
    n += 3;
  }

  float[] toArray() {
    return Arrays.copyOf(a, n);
  }
}
