package dev.livelink.bench;

import java.util.Arrays;

/** Medians of repeated timings. */
final class Stats {
  private Stats() {}

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  interface Run {
    void run() throws Exception;
  }

  /** Runs {@code warmup} untimed and {@code n} timed repetitions; returns each timed run in milliseconds. */
  static double[] time(int warmup, int n, Run r) throws Exception {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      r.run();
      out[i] = (System.nanoTime() - t) / 1e6;
    }
    return out;
  }
}
