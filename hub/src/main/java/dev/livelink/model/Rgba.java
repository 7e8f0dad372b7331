package dev.livelink.model;

/** A linear-light colour with alpha, each channel in [0, 1]. */
public record Rgba(double r, double g, double b, double a) {
  public Rgba {
    check("r", r);
    check("g", g);
    check("b", b);
    check("a", a);
  }

  private static void check(String what, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new ModelException("colour channel " + what + " = " + v + " is outside [0, 1]");
    }
  }
}
