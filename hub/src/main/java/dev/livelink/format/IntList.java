package dev.livelink.format;

import java.util.Arrays;

/** A growable int array without boxing. */
final class IntList {
  int[] a;
  int n;

  IntList(int capacity) {
    a = new int[Math.max(16, capacity)];
  }

  void add(int v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[n++] = v;
  }

  int[] toArray() {
    return Arrays.copyOf(a, n);
  }
}
