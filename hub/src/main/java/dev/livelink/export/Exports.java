package dev.livelink.export;

import dev.livelink.model.MeshData;
import dev.livelink.model.Scene;
import java.util.List;
import java.util.function.Function;

/** Writes one version of a scene as files; the caller decides where and how they reach the disk. */
public final class Exports {
  private Exports() {}

  /**
   * @param meshes the decoded mesh for each hash the scene names (null for one that is missing: its nodes are
   *     written without geometry)
   * @param base the file name without extension; multi-file formats name their data files after it
   * @return data files first, the main file last
   */
  public static List<OutputFile> write(Scene scene, Function<String, MeshData> meshes, ExportFormat format,
      String base) {
    return switch (format) {
      case GLB -> GltfWriter.write(scene, meshes, base, true);
      case GLTF -> GltfWriter.write(scene, meshes, base, false);
      case OBJ -> FlatWriter.obj(scene, meshes, base);
      case STL -> FlatWriter.stl(scene, meshes, base);
    };
  }
}
