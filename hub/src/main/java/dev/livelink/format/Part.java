package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.util.List;

/** One object read from a file: its place in the file's hierarchy, its mesh (null for a group) and materials. */
public record Part(String id, String name, String parent, Transform transform, MeshData mesh,
    List<Material> materials) {
  public Part {
    materials = List.copyOf(materials);
  }
}
