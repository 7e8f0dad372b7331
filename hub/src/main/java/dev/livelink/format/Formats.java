package dev.livelink.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Picks the reader by file extension and gives each format's conventional units and up axis. */
public final class Formats {
  private Formats() {}

  /**
   * Reads a mesh file, choosing the reader by its extension.
   *
   * @throws FormatException when the content cannot be read, naming the file and the line, byte or JSON pointer
   * @throws IOException when the file (or a file it names) cannot be opened
   */
  public static List<Part> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    reader(file);
    return read(file, Inputs.readAll(file));
  }

  /**
   * Reads {@code bytes} as the content of {@code file}: the name chooses the reader and names the file in errors,
   * its folder is where files it refers to (mtllib, glTF buffers) are looked up, and nothing outside it is read.
   */
  public static List<Part> read(Path file, byte[] bytes) throws IOException {
    switch (reader(file)) {
      case "obj": return ObjReader.read(file, bytes);
      case "stl": return StlReader.read(file, bytes);
      case "ply": return PlyReader.read(file, bytes);
      default: return GltfReader.read(file, bytes);
    }
  }

  private static String reader(Path file) {
    String e = extension(file);
    switch (e) {
      case "obj": case "stl": case "ply": return e;
      case "gltf": case "glb": return "gltf";
      default: throw new FormatException(file.getFileName() + ": unknown format \"" + e
          + "\" (livelink reads .obj, .stl, .ply, .gltf, .glb)");
    }
  }

  public static String extension(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The file name without its extension: the default name of a part and of a sent scene. */
  public static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** glTF is metres by its spec; OBJ, STL and PLY carry no unit and are millimetres by CAD and print convention. */
  public static String defaultUnits(Path file) {
    String e = extension(file);
    return e.equals("gltf") || e.equals("glb") ? "m" : "mm";
  }

  /** glTF is Y-up by its spec, and so are most OBJ exporters; STL and PLY come from Z-up CAD and scanners. */
  public static String defaultUp(Path file) {
    String e = extension(file);
    return e.equals("gltf") || e.equals("glb") || e.equals("obj") ? "Y" : "Z";
  }
}
