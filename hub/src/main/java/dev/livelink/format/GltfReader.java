package dev.livelink.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.ModelException;
import dev.livelink.model.Rgba;
import dev.livelink.model.Transform;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads glTF 2.0 (.gltf with data: or file buffers, and .glb): the default scene's node tree with matrix or TRS
 * transforms, triangle primitives (POSITION, optional NORMAL, indices) merged per mesh with a per-triangle material
 * index, and PBR base colour, metallic and roughness. Nodes that use the same mesh become instances.
 */
public final class GltfReader {
  private static final int GLB_MAGIC = 0x46546C67;
  private static final int CHUNK_JSON = 0x4E4F534A;
  private static final int CHUNK_BIN = 0x004E4942;

  private final String name;
  private final Path dir;
  private final JsonNode root;
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private final Map<Integer, MeshData> meshes = new HashMap<>();
  private final Map<Integer, List<Material>> meshMaterials = new HashMap<>();

  private GltfReader(String name, Path dir, JsonNode root, ByteBuffer glbBin) throws IOException {
    this.name = name;
    this.dir = dir;
    this.root = root;
    for (JsonNode b : root.path("buffers")) {
      String uri = b.path("uri").asText(null);
      if (uri == null) {
        if (glbBin == null) {
          throw new FormatException(name + ": buffer without uri outside a .glb");
        }
        buffers.add(glbBin);
      } else if (uri.startsWith("data:")) {
        int comma = uri.indexOf(',');
        buffers.add(ByteBuffer.wrap(Base64.getDecoder().decode(uri.substring(comma + 1))));
      } else {
        Path p = dir.resolve(java.net.URLDecoder.decode(uri, StandardCharsets.UTF_8));
        if (!Files.exists(p)) {
          throw new FormatException(name + ": buffer file \"" + uri + "\" does not exist");
        }
        buffers.add(ByteBuffer.wrap(Files.readAllBytes(p)));
      }
    }
  }

  public static List<Part> read(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    JsonNode root;
    ByteBuffer bin = null;
    if (b.length >= 12 && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == GLB_MAGIC) {
      ByteBuffer g = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      long total = g.getInt(8) & 0xffffffffL;
      if (total > b.length) {
        throw new FormatException(name + ": truncated GLB: header declares " + total + " bytes, file has "
            + b.length);
      }
      int off = 12;
      root = null;
      while (off + 8 <= total) {
        int len = g.getInt(off);
        int type = g.getInt(off + 4);
        if (len < 0 || off + 8L + len > total) {
          throw new FormatException(name + ": GLB chunk at byte " + off + " runs past the end");
        }
        if (type == CHUNK_JSON) {
          root = parseJson(b, off + 8, len, name);
        } else if (type == CHUNK_BIN) {
          bin = ByteBuffer.wrap(b, off + 8, len).slice();
        }
        off += 8 + len;
      }
      if (root == null) {
        throw new FormatException(name + ": GLB has no JSON chunk");
      }
    } else {
      root = parseJson(b, 0, b.length, name);
    }
    return new GltfReader(name, file.getParent(), root, bin).parts();
  }

  private static JsonNode parseJson(byte[] b, int off, int len, String name) {
    try {
      return Json.parseObject(java.util.Arrays.copyOfRange(b, off, off + len));
    } catch (ModelException e) {
      throw new FormatException(name + ": " + e.getMessage());
    }
  }

  private List<Part> parts() {
    List<Part> out = new ArrayList<>();
    JsonNode scenes = root.path("scenes");
    List<Integer> roots = new ArrayList<>();
    if (scenes.size() > 0) {
      for (JsonNode n : scenes.get(root.path("scene").asInt(0)).path("nodes")) roots.add(n.asInt());
    } else {
      for (int i = 0; i < root.path("nodes").size(); i++) roots.add(i);
    }
    for (int r : roots) {
      walk(r, null, out, 0);
    }
    return out;
  }

  private void walk(int index, String parent, List<Part> out, int depth) {
    JsonNode n = root.path("nodes").get(index);
    if (n == null || depth > 256) {
      throw new FormatException(name + ": node " + index + " does not exist or the node tree has a cycle");
    }
    String id = "node" + index;
    MeshData mesh = null;
    List<Material> mats = List.of();
    if (n.has("mesh")) {
      int m = n.get("mesh").asInt();
      mesh = meshes.computeIfAbsent(m, this::mesh);
      mats = meshMaterials.get(m);
    }
    String label = n.path("name").asText(mesh != null
        ? root.path("meshes").path(n.get("mesh").asInt()).path("name").asText(id) : id);
    out.add(new Part(id, label, parent, transform(n), mesh, mats));
    for (JsonNode c : n.path("children")) {
      walk(c.asInt(), id, out, depth + 1);
    }
  }

  private static Transform transform(JsonNode n) {
    if (n.has("matrix")) {
      double[] c = new double[16];
      for (int i = 0; i < 16; i++) c[i] = n.get("matrix").get(i).asDouble();
      // glTF matrices are column-major; ours are row-major.
      double[] r = new double[16];
      for (int row = 0; row < 4; row++) for (int col = 0; col < 4; col++) r[row * 4 + col] = c[col * 4 + row];
      return Transform.of(r);
    }
    double[] t = vec(n.path("translation"), 0, 0, 0, 0);
    double[] q = vec(n.path("rotation"), 0, 0, 0, 1);
    double[] s = vec(n.path("scale"), 1, 1, 1, 0);
    double x = q[0], y = q[1], z = q[2], w = q[3];
    return Transform.of(
        (1 - 2 * (y * y + z * z)) * s[0], 2 * (x * y - z * w) * s[1], 2 * (x * z + y * w) * s[2], t[0],
        2 * (x * y + z * w) * s[0], (1 - 2 * (x * x + z * z)) * s[1], 2 * (y * z - x * w) * s[2], t[1],
        2 * (x * z - y * w) * s[0], 2 * (y * z + x * w) * s[1], (1 - 2 * (x * x + y * y)) * s[2], t[2],
        0, 0, 0, 1);
  }

  private static double[] vec(JsonNode a, double... dflt) {
    double[] v = dflt.clone();
    for (int i = 0; i < a.size() && i < 4; i++) v[i] = a.get(i).asDouble();
    return v;
  }

  private MeshData mesh(int m) {
    JsonNode mesh = root.path("meshes").get(m);
    if (mesh == null) {
      throw new FormatException(name + ": mesh " + m + " does not exist");
    }
    FloatList pos = new FloatList(1024);
    FloatList nrm = new FloatList(1024);
    IntList idx = new IntList(1024);
    IntList mat = new IntList(256);
    List<Material> mats = new ArrayList<>();
    Map<Integer, Integer> slots = new HashMap<>();
    boolean allNormals = true;
    for (JsonNode p : mesh.path("primitives")) {
      if (p.path("mode").asInt(4) != 4) {
        continue; // points and lines carry no surface
      }
      int base = pos.n / 3;
      float[] ps = floats(p.path("attributes").path("POSITION").asInt(-1), 3, "POSITION");
      for (float f : ps) pos.add(f);
      int count = ps.length / 3;
      if (p.path("attributes").has("NORMAL")) {
        for (float f : floats(p.path("attributes").get("NORMAL").asInt(), 3, "NORMAL")) nrm.add(f);
      } else {
        allNormals = false;
      }
      int[] ix = p.has("indices") ? ints(p.get("indices").asInt()) : null;
      int tris = (ix != null ? ix.length : count) / 3;
      for (int i = 0; i < tris * 3; i++) {
        int v = ix != null ? ix[i] : i;
        if (v < 0 || v >= count) {
          throw new FormatException(name + ": mesh " + m + " index " + v + " is out of range (" + count
              + " vertices)");
        }
        idx.add(base + v);
      }
      int matIndex = p.path("material").asInt(-1);
      int slot = slots.computeIfAbsent(matIndex, k -> {
        mats.add(material(k));
        return mats.size() - 1;
      });
      for (int i = 0; i < tris; i++) mat.add(slot);
    }
    meshMaterials.put(m, mats);
    return new MeshData(pos.toArray(), idx.toArray(), allNormals && nrm.n == pos.n ? nrm.toArray() : null,
        mats.size() > 1 ? mat.toArray() : null);
  }

  private Material material(int index) {
    if (index < 0) {
      return Material.of("default", 0.8, 0.8, 0.8, 1);
    }
    JsonNode m = root.path("materials").path(index);
    JsonNode pbr = m.path("pbrMetallicRoughness");
    double[] c = vec(pbr.path("baseColorFactor"), 1, 1, 1, 1);
    return new Material(m.path("name").asText("material" + index), new Rgba(c[0], c[1], c[2], c[3]),
        pbr.path("metallicFactor").asDouble(1), pbr.path("roughnessFactor").asDouble(1));
  }

  private ByteBuffer view(JsonNode acc, int elemSize, String what) {
    JsonNode bv = root.path("bufferViews").path(acc.path("bufferView").asInt(-1));
    if (bv.isMissingNode()) {
      throw new FormatException(name + ": accessor for " + what + " has no bufferView");
    }
    int bi = bv.path("buffer").asInt();
    if (bi < 0 || bi >= buffers.size()) {
      throw new FormatException(name + ": bufferView names buffer " + bi + " which does not exist");
    }
    ByteBuffer buf = buffers.get(bi).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long start = bv.path("byteOffset").asLong(0) + acc.path("byteOffset").asLong(0);
    int stride = bv.path("byteStride").asInt(0);
    long count = acc.path("count").asLong();
    long need = start + (count == 0 ? 0 : (count - 1) * Math.max(stride, elemSize) + elemSize);
    if (need > buf.limit()) {
      throw new FormatException(name + ": " + what + " accessor reads past the end of its buffer (" + need
          + " > " + buf.limit() + " bytes)");
    }
    buf.position((int) start);
    return buf.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private float[] floats(int accessor, int comps, String what) {
    JsonNode acc = root.path("accessors").path(accessor);
    if (acc.isMissingNode() || acc.path("componentType").asInt() != 5126) {
      throw new FormatException(name + ": " + what + " accessor " + accessor + " is missing or not float32");
    }
    int count = acc.path("count").asInt();
    JsonNode bv = root.path("bufferViews").path(acc.path("bufferView").asInt(-1));
    int stride = Math.max(bv.path("byteStride").asInt(0), 4 * comps);
    ByteBuffer b = view(acc, 4 * comps, what);
    float[] out = new float[count * comps];
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < comps; k++) {
        float v = b.getFloat(i * stride + 4 * k);
        if (!Float.isFinite(v)) {
          throw new FormatException(name + ": " + what + " " + i + " is not finite");
        }
        out[i * comps + k] = v;
      }
    }
    return out;
  }

  private int[] ints(int accessor) {
    JsonNode acc = root.path("accessors").path(accessor);
    int type = acc.path("componentType").asInt();
    int size = type == 5121 ? 1 : type == 5123 ? 2 : type == 5125 ? 4 : 0;
    if (size == 0) {
      throw new FormatException(name + ": index accessor " + accessor + " has component type " + type);
    }
    int count = acc.path("count").asInt();
    ByteBuffer b = view(acc, size, "index");
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = size == 1 ? b.get(i) & 0xff : size == 2 ? b.getShort(2 * i) & 0xffff : b.getInt(4 * i);
    }
    return out;
  }
}
