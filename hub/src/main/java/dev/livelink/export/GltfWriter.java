package dev.livelink.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * glTF 2.0 (.glb, or .gltf with a .bin): the node hierarchy under one root node that turns the scene's units and up
 * axis into glTF's metres and Y up, meshes shared by the nodes that share a blob and materials, one primitive per
 * material slot, materials with base colour, alpha (BLEND below 1), metallic and roughness. A small writer of our
 * own: it needs only what the mesh blob already holds, and JglTF's model builder adds a dependency for no gain.
 */
final class GltfWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ARRAY_BUFFER = 34962;
  private static final int ELEMENT_ARRAY_BUFFER = 34963;
  private static final int FLOAT = 5126;
  private static final int UNSIGNED_INT = 5125;

  private final Scene scene;
  private final Function<String, MeshData> meshes;
  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode accessors = root.putArray("accessors");
  private final ArrayNode views = root.putArray("bufferViews");
  private final ArrayNode gltfMeshes = root.putArray("meshes");
  private final ArrayNode materials = root.putArray("materials");
  private final ByteArrayOutputStream bin = new ByteArrayOutputStream();
  private final Map<String, Integer> positionsOf = new HashMap<>();
  private final Map<String, Integer> meshOf = new HashMap<>();
  private final Map<String, Integer> materialOf = new HashMap<>();

  private GltfWriter(Scene scene, Function<String, MeshData> meshes) {
    this.scene = scene;
    this.meshes = meshes;
  }

  static List<OutputFile> write(Scene scene, Function<String, MeshData> meshes, String base, boolean binary) {
    return new GltfWriter(scene, meshes).build(base, binary);
  }

  private List<OutputFile> build(String base, boolean binary) {
    root.putObject("asset").put("version", "2.0").put("generator", "livelink");
    ArrayNode nodes = root.putArray("nodes");
    ObjectNode top = nodes.addObject().put("name", scene.name().isEmpty() ? scene.id() : scene.name());
    putMatrix(top, Frame.sceneTo(scene, 1.0, true));
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < scene.nodes().size(); i++) {
      index.put(scene.nodes().get(i).id(), i + 1);
    }
    ArrayNode topChildren = JSON.createArrayNode();
    Map<Integer, ArrayNode> children = new HashMap<>();
    for (Node n : scene.nodes()) {
      ObjectNode o = nodes.addObject().put("name", n.name());
      if (!Frame.isIdentity(n.transform())) {
        putMatrix(o, n.transform().toArray());
      }
      if (n.mesh() != null && n.visible()) {
        Integer mesh = mesh(n);
        if (mesh != null) {
          o.put("mesh", mesh);
        }
      }
      Integer parent = n.parent() == null ? null : index.get(n.parent());
      (parent == null ? topChildren : children.computeIfAbsent(parent, k -> JSON.createArrayNode()))
          .add(index.get(n.id()));
    }
    children.forEach((parent, list) -> ((ObjectNode) nodes.get(parent)).set("children", list));
    if (!topChildren.isEmpty()) {
      top.set("children", topChildren);
    }
    root.putArray("scenes").addObject().put("name", scene.id()).putArray("nodes").add(0);
    root.put("scene", 0);
    for (String empty : List.of("accessors", "bufferViews", "meshes", "materials")) {
      if (root.get(empty).isEmpty()) {
        root.remove(empty);
      }
    }
    byte[] data = bin.toByteArray();
    if (data.length > 0) {
      ObjectNode buffer = root.putArray("buffers").addObject().put("byteLength", data.length);
      if (!binary) {
        buffer.put("uri", base + ".bin");
      }
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    if (!binary) {
      return data.length > 0 ? List.of(new OutputFile(base + ".bin", data), new OutputFile(base + ".gltf", json))
          : List.of(new OutputFile(base + ".gltf", json));
    }
    return List.of(new OutputFile(base + ".glb", glb(json, data)));
  }

  /** glTF wants column-major matrices; livelink's are row-major. */
  private static void putMatrix(ObjectNode o, double[] rowMajor) {
    ArrayNode m = o.putArray("matrix");
    for (int c = 0; c < 4; c++) {
      for (int r = 0; r < 4; r++) {
        m.add(rowMajor[r * 4 + c]);
      }
    }
  }

  /** The glTF mesh for a node's blob and materials (shared with every node that has both), or null if empty. */
  private Integer mesh(Node n) {
    String key = n.mesh() + "|" + n.materials();
    if (meshOf.containsKey(key)) {
      return meshOf.get(key);
    }
    MeshData m = meshes.apply(n.mesh());
    Integer made = null;
    if (m != null && m.triangleCount() > 0) {
      int positions = positionsOf.computeIfAbsent(n.mesh(), h -> positions(n, m));
      ArrayNode prims = JSON.createArrayNode();
      List<int[]> slots = splitBySlot(m, Math.max(1, n.materials().size()));
      for (int s = 0; s < slots.size(); s++) {
        if (slots.get(s).length == 0) {
          continue;
        }
        ObjectNode p = prims.addObject().put("indices", indices(slots.get(s))).put("mode", 4);
        p.putObject("attributes").put("POSITION", positions);
        if (!n.materials().isEmpty()) {
          p.put("material", material(n.materials().get(s)));
        }
      }
      gltfMeshes.addObject().put("name", n.name()).set("primitives", prims);
      made = gltfMeshes.size() - 1;
    }
    meshOf.put(key, made);
    return made;
  }

  /** Triangle corners per material slot; an index past the last slot goes to the last one. */
  private static List<int[]> splitBySlot(MeshData m, int slots) {
    int[] idx = m.indices();
    int[] mi = m.materialIndex();
    if (mi == null || slots == 1) {
      List<int[]> one = new ArrayList<>();
      one.add(idx);
      return one;
    }
    int[] counts = new int[slots];
    for (int s : mi) {
      counts[Math.min(Math.max(s, 0), slots - 1)] += 3;
    }
    List<int[]> out = new ArrayList<>();
    int[] fill = new int[slots];
    for (int s = 0; s < slots; s++) {
      out.add(new int[counts[s]]);
    }
    for (int t = 0; t < mi.length; t++) {
      int s = Math.min(Math.max(mi[t], 0), slots - 1);
      System.arraycopy(idx, 3 * t, out.get(s), fill[s], 3);
      fill[s] += 3;
    }
    return out;
  }

  private int positions(Node n, MeshData m) {
    float[] p = m.positions();
    float[] b = m.bounds();
    for (float v : p) {
      if (!Float.isFinite(v)) {
        throw new ExportException("node \"" + n.id() + "\": mesh " + n.mesh().substring(0, 12)
            + "… holds a non-finite coordinate");
      }
    }
    ByteBuffer buf = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(p);
    ObjectNode a = accessor(view(buf.array(), ARRAY_BUFFER), FLOAT, p.length / 3, "VEC3");
    a.putArray("min").add(b[0]).add(b[1]).add(b[2]);
    a.putArray("max").add(b[3]).add(b[4]).add(b[5]);
    return accessors.size() - 1;
  }

  private int indices(int[] corners) {
    ByteBuffer buf = ByteBuffer.allocate(4 * corners.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(corners);
    accessor(view(buf.array(), ELEMENT_ARRAY_BUFFER), UNSIGNED_INT, corners.length, "SCALAR");
    return accessors.size() - 1;
  }

  private ObjectNode accessor(int view, int componentType, int count, String type) {
    return accessors.addObject().put("bufferView", view).put("componentType", componentType).put("count", count)
        .put("type", type);
  }

  private int view(byte[] bytes, int target) {
    int offset = bin.size();
    bin.writeBytes(bytes);
    while (bin.size() % 4 != 0) {
      bin.write(0);
    }
    views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", bytes.length)
        .put("target", target);
    return views.size() - 1;
  }

  private int material(Material m) {
    String key = m.name() + "|" + m.color() + "|" + m.metallic() + "|" + m.roughness();
    return materialOf.computeIfAbsent(key, k -> {
      ObjectNode o = materials.addObject().put("name", m.name());
      ObjectNode pbr = o.putObject("pbrMetallicRoughness");
      pbr.putArray("baseColorFactor").add(m.color().r()).add(m.color().g()).add(m.color().b()).add(m.color().a());
      pbr.put("metallicFactor", m.metallic()).put("roughnessFactor", m.roughness());
      if (m.color().a() < 1) {
        o.put("alphaMode", "BLEND");
      }
      return materials.size() - 1;
    });
  }

  /** GLB container: 12-byte header, a JSON chunk padded with spaces, a BIN chunk padded with zeros. */
  private static byte[] glb(byte[] json, byte[] data) {
    int jsonLen = (json.length + 3) & ~3;
    int binLen = (data.length + 3) & ~3;
    int total = 12 + 8 + jsonLen + (data.length > 0 ? 8 + binLen : 0);
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(total);
    b.putInt(jsonLen).putInt(0x4E4F534A).put(json);
    for (int i = json.length; i < jsonLen; i++) {
      b.put((byte) ' ');
    }
    if (data.length > 0) {
      b.putInt(binLen).putInt(0x004E4942).put(data);
    }
    return b.array();
  }
}
