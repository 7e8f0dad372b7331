package dev.livelink.model;

import java.util.Objects;

/** A surface: base colour with alpha (alpha &lt; 1 means transparent), metallic and roughness in [0, 1]. */
public record Material(String name, Rgba color, double metallic, double roughness) {
  public Material {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(color, "color == null");
    if (!(metallic >= 0 && metallic <= 1)) {
      throw new ModelException("material \"" + name + "\": metallic " + metallic + " is outside [0, 1]");
    }
    if (!(roughness >= 0 && roughness <= 1)) {
      throw new ModelException("material \"" + name + "\": roughness " + roughness + " is outside [0, 1]");
    }
  }

  public static Material of(String name, double r, double g, double b, double a) {
    return new Material(name, new Rgba(r, g, b, a), 0.0, 0.5);
  }
}
