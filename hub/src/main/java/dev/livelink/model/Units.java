package dev.livelink.model;

import java.util.Locale;

/** Length unit of a scene's coordinates; receivers scale by {@link #metres()}. */
public enum Units {
  MM(0.001), CM(0.01), M(1.0), IN(0.0254), FT(0.3048);

  private final double metres;

  Units(double metres) {
    this.metres = metres;
  }

  /** How many metres one unit is. */
  public double metres() {
    return metres;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Units parse(String s) {
    for (Units u : values()) {
      if (u.code().equals(s)) {
        return u;
      }
    }
    throw new ModelException("unknown units \"" + s + "\" (expected mm, cm, m, in or ft)");
  }
}
