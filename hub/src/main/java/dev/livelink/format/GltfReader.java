package dev.livelink.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads glTF 2.0 (.gltf with data: or file buffers, and .glb): the default scene's node tree with matrix or TRS
 * transforms, triangle primitives (POSITION, optional NORMAL, indices) merged per mesh with a per-triangle material
 * index, and PBR base colour, metallic and roughness. Nodes that use the same mesh become instances.
 *
 * <p>What it refuses, each with the JSON pointer of the offending value:
 * <ul>
 *   <li>a node graph that is not a forest of strict trees (glTF 2.0, 3.5.3 "Nodes and Hierarchy"): a node with two
 *       parents, a node listed twice as a child, a cycle, a scene root that is somebody's child. The graph is
 *       checked in one pass over the node array and walked with an explicit stack, so a file cannot make the
 *       walk exponential or deep;</li>
 *   <li>an accessor whose count times its stride does not fit its bufferView, a bufferView that does not fit its
 *       buffer, a buffer whose byteLength exceeds its data, bad base64: all before any array is allocated;</li>
 *   <li>a buffer uri with a scheme other than data:, an absolute path, or a path (or a link) leading outside the
 *       folder of the file;</li>
 *   <li>meshes that together decode to more than {@value #EXPANSION} times the bytes of the input (file and
 *       buffers) plus {@value #EXPANSION_SLACK} bytes: one accessor reused by many meshes would otherwise
 *       multiply a small file into gigabytes.</li>
 * </ul>
 */
public final class GltfReader {
  // GLB (glTF 2.0, 4.4): 12-byte header (magic "glTF", u32 version 2, u32 total length), then chunks: u32 length,
  // u32 type, data. The first chunk is JSON, an optional second one BIN.
  private static final int GLB_MAGIC = 0x46546C67;
  private static final int CHUNK_JSON = 0x4E4F534A;
  private static final int CHUNK_BIN = 0x004E4942;
  /**
   * Mesh arrays a file may decode to, per byte of input. A mesh decodes to at most ~5.3 times its accessor bytes
   * (uint8 indices become an int each plus a material index per triangle), so 16 leaves room for some reuse.
   */
  static final int EXPANSION = 16;
  static final int EXPANSION_SLACK = 256 * 1024;

  private final String name;
  private final JsonNode root;
  private final GltfJson json;
  private final GltfMeshes meshes;

  private GltfReader(String name, Path dir, JsonNode root, ByteBuffer glbBin, long inputBytes) throws IOException {
    this.name = name;
    this.root = root;
    this.json = new GltfJson(name, root);
    GltfBuffers buffers = new GltfBuffers(json, dir, glbBin);
    long input = inputBytes + buffers.bytes();
    meshes = new GltfMeshes(json, buffers, EXPANSION * input + EXPANSION_SLACK);
  }

  public static List<Part> read(Path file) throws IOException {
    return read(file, Inputs.readAll(file));
  }

  /** Reads {@code b} as the content of {@code file}, whose folder holds the buffer files it names. */
  public static List<Part> read(Path file, byte[] b) throws IOException {
    String name = file.getFileName().toString();
    JsonNode root;
    ByteBuffer bin = null;
    ByteBuffer g = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (b.length >= 4 && g.getInt(0) == GLB_MAGIC) {
      if (b.length < 12) {
        throw FormatException.atByte(name, b.length, "GLB ends inside its 12-byte header");
      }
      int version = g.getInt(4);
      if (version != 2) {
        throw FormatException.atByte(name, 4, "GLB version " + (version & 0xffffffffL) + " is not 2");
      }
      long total = g.getInt(8) & 0xffffffffL;
      if (total > b.length) {
        throw FormatException.atByte(name, 8, "GLB header declares " + total + " bytes, the file has " + b.length);
      }
      int off = 12;
      root = null;
      while (off + 8 <= total) {
        long len = g.getInt(off) & 0xffffffffL;
        int type = g.getInt(off + 4);
        if (off + 8 + len > total) {
          throw FormatException.atByte(name, off, "GLB chunk of " + len + " bytes runs past the end (" + total
              + " bytes)");
        }
        if (type == CHUNK_JSON && root == null) {
          root = parseJson(b, off + 8, (int) len, name, true);
        } else if (type == CHUNK_BIN && bin == null) {
          bin = ByteBuffer.wrap(b, off + 8, (int) len).slice();
        }
        off += 8 + (int) len;
      }
      if (root == null) {
        throw FormatException.atByte(name, 12, "GLB has no JSON chunk");
      }
    } else {
      root = parseJson(b, 0, b.length, name, false);
    }
    return new GltfReader(name, Inputs.folderOf(file), root, bin, b.length).parts();
  }

  /** The JSON document; errors give its line and column, or in a GLB the byte offset in the file. */
  private static JsonNode parseJson(byte[] b, int off, int len, String name, boolean glb) {
    JsonNode n;
    try {
      n = GltfJson.MAPPER.readTree(b, off, len);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String msg = e.getOriginalMessage();
      int source = msg.indexOf("[Source: "); // Jackson's "(start marker at [Source: ...; line: 1, column: 1])"
      if (source > 0 && msg.lastIndexOf(" (", source) > 0) {
        msg = msg.substring(0, msg.lastIndexOf(" (", source));
      }
      int cut = msg.indexOf('\n');
      String what = "malformed JSON: " + (cut > 0 ? msg.substring(0, cut) : msg);
      if (l == null) {
        throw new FormatException(name + ": " + what);
      }
      throw glb ? FormatException.atByte(name, off + l.getByteOffset(), what)
          : new FormatException(name + ":" + l.getLineNr() + ":" + l.getColumnNr() + ": " + what);
    } catch (IOException e) {
      throw new FormatException(name + ": malformed JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw FormatException.at(name, "", "a glTF document is a JSON object, this is "
          + (n == null || n.isMissingNode() ? "empty" : n.getNodeType().toString().toLowerCase()));
    }
    return n;
  }

  // ---- nodes ----

  private List<Part> parts() {
    JsonNode nodes = json.array(root, "nodes", "");
    int n = nodes.size();
    // One pass gives every node its one parent; then the parent links are followed once per node. Both linear, so
    // neither a diamond (a node reached twice) nor a cycle can make the walk below revisit anything.
    int[] parent = new int[n];
    int[] slot = new int[n]; // where in its parent's children a node is listed
    Arrays.fill(parent, -1);
    // Pointers are built only for a message: a node can be 3 bytes ("{},") and a child 2 ("1,").
    for (int i = 0; i < n; i++) {
      JsonNode node = nodes.get(i);
      if (!node.isObject()) {
        json.object(node, "/nodes/" + i);
      }
      JsonNode children = node.get("children");
      if (children != null && !children.isArray()) {
        json.array(node, "children", "/nodes/" + i);
      }
      for (int k = 0; children != null && k < children.size(); k++) {
        int c = GltfJson.quickIndex(children.get(k), n);
        String cp = c >= 0 && c != i && parent[c] < 0 ? null : "/nodes/" + i + "/children/" + k;
        if (c < 0) {
          c = json.index(children.get(k), cp, n, "node"); // refuses, or accepts a spelling like 1.0 (cp is then set)
        }
        if (c == i) {
          throw FormatException.at(name, cp, "node " + i + " lists itself as its child");
        }
        if (parent[c] == i) {
          throw FormatException.at(name, cp, "node " + i + " lists node " + c + " twice as its child");
        }
        if (parent[c] >= 0) {
          throw FormatException.at(name, cp, "node " + c + " has two parents, nodes " + parent[c] + " and " + i
              + " (glTF nodes form strict trees)");
        }
        parent[c] = i;
        slot[c] = k;
      }
    }
    refuseCycles(parent, slot);
    int[] roots = new int[n];
    int nroots = 0;
    JsonNode scenes = root.has("scenes") ? json.array(root, "scenes", "") : null;
    if (scenes != null && scenes.size() > 0) {
      int s = root.has("scene") ? json.index(root.get("scene"), "/scene", scenes.size(), "scene") : 0;
      String sp = "/scenes/" + s;
      JsonNode scene = json.object(scenes.get(s), sp);
      JsonNode list = scene.has("nodes") ? json.array(scene, "nodes", sp) : null;
      boolean[] listed = new boolean[n];
      for (int k = 0; list != null && k < list.size(); k++) {
        int r = GltfJson.quickIndex(list.get(k), n);
        String rp = r >= 0 && parent[r] < 0 && !listed[r] ? null : sp + "/nodes/" + k;
        if (r < 0) {
          r = json.index(list.get(k), rp, n, "node"); // refuses, or accepts a spelling like 1.0 (rp is then set)
        }
        if (parent[r] >= 0) {
          throw FormatException.at(name, rp, "node " + r + " is a root of scene " + s + " but a child of node "
              + parent[r]);
        }
        if (listed[r]) {
          throw FormatException.at(name, rp, "scene " + s + " lists node " + r + " twice");
        }
        listed[r] = true;
        roots[nroots++] = r;
      }
    } else {
      for (int i = 0; i < n; i++) {
        if (parent[i] < 0) {
          roots[nroots++] = i;
        }
      }
    }
    List<Part> out = new ArrayList<>(n);
    String[] ids = new String[n]; // parents come first: a child takes its parent's id string
    // Depth first, parents before children, in file order: a stack of node indices, children pushed reversed.
    int[] stack = new int[Math.max(1, n)];
    for (int q = 0; q < nroots; q++) {
      int top = 0;
      stack[top++] = roots[q];
      while (top > 0) {
        int i = stack[--top];
        JsonNode node = nodes.get(i);
        Part p = part(i, node, parent[i] < 0 ? null : ids[parent[i]]);
        ids[i] = p.id();
        out.add(p);
        JsonNode children = node.get("children");
        for (int k = children == null ? -1 : children.size() - 1; k >= 0; k--) {
          stack[top++] = children.get(k).asInt();
        }
      }
    }
    return out;
  }

  /** With one parent per node, a cycle is a parent chain that comes back to a node on it. */
  private void refuseCycles(int[] parent, int[] slot) {
    int n = parent.length;
    byte[] state = new byte[n]; // 0 unseen, 1 on the chain being followed, 2 known to reach a root
    for (int i = 0; i < n; i++) {
      int j = i;
      while (j >= 0 && state[j] == 0) {
        state[j] = 1;
        j = parent[j];
      }
      if (j >= 0 && state[j] == 1) {
        StringBuilder cycle = new StringBuilder("node " + j + " is its own ancestor: it is a child of " + parent[j]);
        for (int k = parent[j]; k != j; k = parent[k]) {
          cycle.append(", which is a child of ").append(parent[k]);
        }
        throw FormatException.at(name, "/nodes/" + parent[j] + "/children/" + slot[j], cycle.toString());
      }
      for (int k = i; k >= 0 && state[k] == 1; k = parent[k]) {
        state[k] = 2;
      }
    }
  }

  private Part part(int i, JsonNode node, String parent) {
    String ptr = node.size() == 0 ? "" : "/nodes/" + i; // "{}" has nothing to point at
    String id = "node" + i;
    MeshData mesh = null;
    List<Material> mats = List.of();
    String label = id;
    JsonNode nameNode = node.get("name");
    if (node.has("mesh")) {
      int m = json.index(node.get("mesh"), ptr + "/mesh", meshes.count(), "mesh");
      mesh = meshes.mesh(m, ptr + "/mesh");
      mats = meshes.materials(m);
      JsonNode meshName = root.get("meshes").get(m).get("name");
      if (meshName != null && meshName.isTextual()) {
        label = meshName.textValue();
      }
    }
    if (nameNode != null && nameNode.isTextual()) {
      label = nameNode.textValue();
    }
    return new Part(id, label, parent, transform(node, ptr), mesh, mats);
  }

  private Transform transform(JsonNode n, String ptr) {
    double[] r;
    if (n.has("matrix")) {
      double[] c = json.numbers(n, "matrix", ptr, 16, 16);
      // glTF matrices are column-major; ours are row-major.
      r = new double[16];
      for (int row = 0; row < 4; row++) for (int col = 0; col < 4; col++) r[row * 4 + col] = c[col * 4 + row];
    } else if (n.has("translation") || n.has("rotation") || n.has("scale")) {
      double[] t = json.numbers(n, "translation", ptr, 3, 3, 0, 0, 0);
      double[] q = json.numbers(n, "rotation", ptr, 4, 4, 0, 0, 0, 1);
      double[] s = json.numbers(n, "scale", ptr, 3, 3, 1, 1, 1);
      double x = q[0], y = q[1], z = q[2], w = q[3];
      r = new double[] {
          (1 - 2 * (y * y + z * z)) * s[0], 2 * (x * y - z * w) * s[1], 2 * (x * z + y * w) * s[2], t[0],
          2 * (x * y + z * w) * s[0], (1 - 2 * (x * x + z * z)) * s[1], 2 * (y * z - x * w) * s[2], t[1],
          2 * (x * z - y * w) * s[0], 2 * (y * z + x * w) * s[1], (1 - 2 * (x * x + y * y)) * s[2], t[2],
          0, 0, 0, 1};
    } else {
      return Transform.IDENTITY;
    }
    for (double v : r) {
      if (!Double.isFinite(v)) {
        throw FormatException.at(name, ptr, "the transform overflows to " + v);
      }
    }
    return Transform.of(r);
  }
}
