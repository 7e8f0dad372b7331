package dev.livelink.model;

import java.util.Arrays;

/** A 4x4 affine matrix, row-major (m[row * 4 + col]); translation sits in m[3], m[7], m[11]. */
public final class Transform {
  public static final Transform IDENTITY =
      new Transform(new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});

  private final double[] m;

  private Transform(double[] m) {
    this.m = m;
  }

  public static Transform of(double... m) {
    if (m.length != 16) {
      throw new ModelException("transform has " + m.length + " numbers, expected 16");
    }
    for (double v : m) {
      if (!Double.isFinite(v)) {
        throw new ModelException("transform holds a non-finite number " + v);
      }
    }
    return new Transform(m.clone());
  }

  public static Transform translation(double x, double y, double z) {
    return new Transform(new double[] {1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1});
  }

  public double get(int row, int col) {
    return m[row * 4 + col];
  }

  public double[] toArray() {
    return m.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transform t && Arrays.equals(m, t.m);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(m);
  }

  @Override
  public String toString() {
    return Arrays.toString(m);
  }
}
