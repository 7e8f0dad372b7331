package dev.livelink.format;

import java.util.Arrays;

/** A growable float array without boxing. */
final class FloatList {
  float[] a;
  int n;

  FloatList(int capacity) {
    a = new float[Math.max(16, capacity)];
  }

  void add(float v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[n++] = v;
  }

  void add3(float x, float y, float z) {
    if (n + 3 > a.length) {
      a = Arrays.copyOf(a, a.length * 2 + 3);
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
