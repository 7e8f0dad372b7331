package dev.livelink.model;

/**
 * Triangle mesh arrays: positions (x, y, z per vertex), triangle corner indices, optional per-vertex normals and
 * optional per-triangle material index. The arrays are owned by this object once passed in; callers do not modify
 * them afterwards.
 */
public record MeshData(float[] positions, int[] indices, float[] normals, int[] materialIndex) {
  public MeshData {
    if (positions.length % 3 != 0) {
      throw new ModelException("positions hold " + positions.length + " floats, not a multiple of 3");
    }
    if (indices.length % 3 != 0) {
      throw new ModelException("indices hold " + indices.length + " ints, not a multiple of 3");
    }
    if (normals != null && normals.length != positions.length) {
      throw new ModelException("normals hold " + normals.length + " floats, positions " + positions.length);
    }
    if (materialIndex != null && materialIndex.length != indices.length / 3) {
      throw new ModelException(
          "material index holds " + materialIndex.length + " entries for " + indices.length / 3 + " triangles");
    }
  }

  public int vertexCount() {
    return positions.length / 3;
  }

  public int triangleCount() {
    return indices.length / 3;
  }

  /** Axis-aligned bounds as {minX, minY, minZ, maxX, maxY, maxZ}; all zero for an empty mesh. */
  public float[] bounds() {
    if (positions.length == 0) {
      return new float[6];
    }
    float[] b = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE,
        -Float.MAX_VALUE};
    for (int i = 0; i < positions.length; i += 3) {
      for (int k = 0; k < 3; k++) {
        float v = positions[i + k];
        if (v < b[k]) b[k] = v;
        if (v > b[k + 3]) b[k + 3] = v;
      }
    }
    return b;
  }
}
