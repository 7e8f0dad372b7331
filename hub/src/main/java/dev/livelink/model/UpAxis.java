package dev.livelink.model;

/** Which axis points up in a scene's frame. Both are right-handed; Y-up maps to Z-up by (x, y, z) -> (x, -z, y). */
public enum UpAxis {
  Y, Z;

  public static UpAxis parse(String s) {
    if ("Y".equalsIgnoreCase(s)) {
      return Y;
    }
    if ("Z".equalsIgnoreCase(s)) {
      return Z;
    }
    throw new ModelException("unknown up axis \"" + s + "\" (expected Y or Z)");
  }
}
