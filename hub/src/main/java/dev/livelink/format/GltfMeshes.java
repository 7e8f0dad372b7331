package dev.livelink.format;

import static dev.livelink.format.GltfBuffers.FLOAT;
import static dev.livelink.format.GltfBuffers.UNSIGNED_BYTE;
import static dev.livelink.format.GltfBuffers.UNSIGNED_INT;
import static dev.livelink.format.GltfBuffers.UNSIGNED_SHORT;
import static dev.livelink.format.GltfReader.EXPANSION;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.format.GltfBuffers.Accessor;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Rgba;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The triangle meshes of a glTF file, each decoded once within the file's expansion budget, and their materials. */
final class GltfMeshes {
  private static final Material DEFAULT = Material.of("default", 0.8, 0.8, 0.8, 1);

  private record Primitive(Accessor position, Accessor normal, Accessor indices, int slot, int base, boolean owner,
      String ptr) {}

  private final GltfJson json;
  private final String name;
  private final GltfBuffers buffers;
  private final MeshData[] meshes;
  private final List<List<Material>> meshMaterials = new ArrayList<>();
  private long budget;

  GltfMeshes(GltfJson json, GltfBuffers buffers, long budget) {
    this.json = json;
    this.name = json.name;
    this.buffers = buffers;
    this.budget = budget;
    meshes = new MeshData[json.array(json.root, "meshes", "").size()];
    for (int i = 0; i < meshes.length; i++) {
      meshMaterials.add(null);
    }
  }

  int count() {
    return meshes.length;
  }

  /** The materials of mesh {@code m}, indexed by its per-triangle material index; set once the mesh is decoded. */
  List<Material> materials(int m) {
    return meshMaterials.get(m);
  }

  /** Mesh {@code m}, decoded on first use; {@code from} is where {@code m} was read. */
  MeshData mesh(int m, String from) {
    if (meshes[m] != null) {
      return meshes[m];
    }
    String ptr = "/meshes/" + m;
    JsonNode mesh = json.element("meshes", "mesh", m, from);
    JsonNode prims = json.array(mesh, "primitives", ptr);
    List<Primitive> list = new ArrayList<>();
    List<Material> mats = new ArrayList<>();
    Map<Integer, Integer> slots = new HashMap<>();
    // Primitives that share their POSITION (and NORMAL) accessors share vertices: appended once, so a mesh split
    // by material over one vertex array stays the size of its file.
    Map<Long, Integer> bases = new HashMap<>();
    long vertices = 0;
    long corners = 0;
    boolean normals = true;
    for (int k = 0; k < prims.size(); k++) {
      String pp = ptr + "/primitives/" + k;
      JsonNode p = json.object(prims.get(k), pp);
      if (json.integer(p, "mode", pp, 4, 0, 6) != 4) {
        continue; // points, lines and strips carry no triangle list
      }
      JsonNode attrs = json.object(p.get("attributes"), pp + "/attributes");
      if (!attrs.has("POSITION")) {
        throw FormatException.at(name, pp + "/attributes", "primitive has no POSITION");
      }
      int[] floatOnly = {FLOAT};
      Accessor pos = buffers.accessor(json.index(attrs, "POSITION", pp + "/attributes"), floatOnly, 3, "POSITION",
          pp + "/attributes/POSITION");
      Accessor nrm = null;
      if (attrs.has("NORMAL")) {
        nrm = buffers.accessor(json.index(attrs, "NORMAL", pp + "/attributes"), floatOnly, 3, "NORMAL",
            pp + "/attributes/NORMAL");
        if (nrm.count() != pos.count()) {
          throw FormatException.at(name, pp + "/attributes/NORMAL", "NORMAL has " + nrm.count()
              + " elements, POSITION " + pos.count());
        }
      } else {
        normals = false;
      }
      Accessor ix = null;
      if (p.has("indices")) {
        ix = buffers.accessor(json.index(p, "indices", pp), new int[] {UNSIGNED_BYTE, UNSIGNED_SHORT, UNSIGNED_INT}, 1,
            "indices", pp + "/indices");
      }
      long key = (long) pos.index() << 32 | (nrm == null ? 0xffffffffL : nrm.index());
      Integer base = bases.get(key);
      boolean owner = base == null;
      if (owner) {
        base = (int) Math.min(vertices, Integer.MAX_VALUE);
        bases.put(key, base);
        vertices += pos.count();
      }
      corners += (ix != null ? ix.count() : pos.count()) / 3 * 3;
      int mat = p.has("material") ? json.index(p, "material", pp) : -1;
      Integer slot = slots.get(mat);
      if (slot == null) {
        if (mats.size() == ObjReader.MAX_MATERIALS) {
          throw FormatException.at(name, pp + "/material", "more than " + ObjReader.MAX_MATERIALS
              + " materials in one mesh");
        }
        mats.add(material(mat, pp + "/material"));
        slot = mats.size() - 1;
        slots.put(mat, slot);
      }
      list.add(new Primitive(pos, nrm, ix, slot, base, owner, pp));
    }
    boolean multi = mats.size() > 1;
    long bytes = 12 * vertices * (normals ? 2 : 1) + 4 * corners + (multi ? 4 * corners / 3 : 0);
    if (3 * vertices > Inputs.MAX_BYTES || corners > Inputs.MAX_BYTES || bytes > budget) {
      throw FormatException.at(name, ptr, "meshes decode to more than " + EXPANSION + " times the bytes of the "
          + "input (" + bytes + " bytes for this one, " + Math.max(0, budget) + " left): accessors reused by many "
          + "meshes?");
    }
    budget -= bytes;
    float[] pos = new float[(int) (3 * vertices)];
    float[] nrm = normals ? new float[pos.length] : null;
    int[] idx = new int[(int) corners];
    int[] mi = multi ? new int[idx.length / 3] : null;
    int c = 0;
    for (Primitive p : list) {
      if (p.owner()) {
        buffers.floats(p.position(), pos, 3 * p.base(), "POSITION");
        if (nrm != null) {
          buffers.floats(p.normal(), nrm, 3 * p.base(), "NORMAL");
        }
      }
      int count = p.position().count();
      int first = c;
      if (p.indices() == null) {
        for (int i = 0; i < count / 3 * 3; i++) {
          idx[c++] = p.base() + i;
        }
      } else {
        Accessor a = p.indices();
        ByteBuffer b = a.data();
        int size = a.componentType() == UNSIGNED_BYTE ? 1 : a.componentType() == UNSIGNED_SHORT ? 2 : 4;
        for (int i = 0; i < a.count() / 3 * 3; i++) {
          int at = a.start() + i * a.stride();
          long v = size == 1 ? b.get(at) & 0xff : size == 2 ? b.getShort(at) & 0xffff : b.getInt(at) & 0xffffffffL;
          if (v >= count) {
            throw FormatException.at(name, "/accessors/" + a.index(), "index " + i + " is " + v + " but POSITION of "
                + p.ptr() + " has " + count + " vertices");
          }
          idx[c++] = p.base() + (int) v;
        }
      }
      if (mi != null) {
        Arrays.fill(mi, first / 3, c / 3, p.slot());
      }
    }
    meshes[m] = new MeshData(pos, idx, nrm, mi);
    meshMaterials.set(m, mats);
    return meshes[m];
  }

  private Material material(int index, String from) {
    if (index < 0) {
      return DEFAULT;
    }
    String ptr = "/materials/" + index;
    JsonNode m = json.element("materials", "material", index, from);
    JsonNode pbr = m.path("pbrMetallicRoughness");
    String pp = ptr + "/pbrMetallicRoughness";
    double[] c = json.numbers(pbr, "baseColorFactor", pp, 4, 4, 1, 1, 1, 1);
    for (int i = 0; i < 4; i++) {
      unit(c[i], pp + "/baseColorFactor/" + i);
    }
    double metallic = unit(json.number(pbr, "metallicFactor", pp, 1), pp + "/metallicFactor");
    double roughness = unit(json.number(pbr, "roughnessFactor", pp, 1), pp + "/roughnessFactor");
    JsonNode n = m.get("name");
    return new Material(n != null && n.isTextual() ? n.textValue() : "material" + index,
        new Rgba(c[0], c[1], c[2], c[3]), metallic, roughness);
  }

  private double unit(double v, String ptr) {
    if (!(v >= 0 && v <= 1)) {
      throw FormatException.at(name, ptr, v + " is outside [0, 1]");
    }
    return v;
  }
}
