package dev.livelink.export;

import java.util.Locale;

/** The formats a scene can be written as; glTF binary is the default. */
public enum ExportFormat {
  GLB("glb"), GLTF("gltf"), OBJ("obj"), STL("stl");

  private final String extension;

  ExportFormat(String extension) {
    this.extension = extension;
  }

  public String extension() {
    return extension;
  }

  public static ExportFormat parse(String s) {
    for (ExportFormat f : values()) {
      if (f.extension.equals(s.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new ExportException("unknown format \"" + s + "\" (expected glb, gltf, obj or stl)");
  }

  /** The format a file name asks for by its extension. */
  public static ExportFormat ofFile(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      throw new ExportException("\"" + name + "\" has no extension to tell the format (.glb, .gltf, .obj, .stl)");
    }
    return parse(name.substring(dot + 1));
  }
}
