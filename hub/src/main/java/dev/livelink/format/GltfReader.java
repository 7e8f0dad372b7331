package dev.livelink.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Rgba;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  // Accessor component types (5.1.3).
  private static final int UNSIGNED_BYTE = 5121;
  private static final int UNSIGNED_SHORT = 5123;
  private static final int UNSIGNED_INT = 5125;
  private static final int FLOAT = 5126;
  /**
   * Mesh arrays a file may decode to, per byte of input. A mesh decodes to at most ~5.3 times its accessor bytes
   * (uint8 indices become an int each plus a material index per triangle), so 16 leaves room for some reuse.
   */
  static final int EXPANSION = 16;
  static final int EXPANSION_SLACK = 256 * 1024;
  /** Its own mapper: the wire's settings are for the protocol, these are for untrusted files. */
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Material DEFAULT = Material.of("default", 0.8, 0.8, 0.8, 1);

  private final String name;
  private final Path dir;
  private final JsonNode root;
  private final ByteBuffer[] buffers;
  private final MeshData[] meshes;
  private final List<List<Material>> meshMaterials = new ArrayList<>();
  private long budget;

  private GltfReader(String name, Path dir, JsonNode root, ByteBuffer glbBin, long inputBytes) throws IOException {
    this.name = name;
    this.dir = dir;
    this.root = root;
    long input = inputBytes;
    JsonNode bs = array(root, "buffers", "");
    buffers = new ByteBuffer[bs.size()];
    for (int i = 0; i < bs.size(); i++) {
      buffers[i] = buffer(bs.get(i), "/buffers/" + i, glbBin);
      input += buffers[i].capacity();
    }
    budget = EXPANSION * input + EXPANSION_SLACK;
    meshes = new MeshData[array(root, "meshes", "").size()];
    for (int i = 0; i < meshes.length; i++) {
      meshMaterials.add(null);
    }
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
      n = JSON.readTree(b, off, len);
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

  // ---- buffers, views, accessors ----

  private ByteBuffer buffer(JsonNode b, String ptr, ByteBuffer glbBin) throws IOException {
    object(b, ptr);
    JsonNode uriNode = b.get("uri");
    ByteBuffer data;
    if (uriNode == null) {
      if (glbBin == null) {
        throw FormatException.at(name, ptr, "buffer has no uri and the file has no GLB BIN chunk");
      }
      data = glbBin;
    } else {
      if (!uriNode.isTextual()) {
        throw FormatException.at(name, ptr + "/uri", "is not a string");
      }
      String uri = uriNode.textValue();
      data = uri.startsWith("data:") ? dataUri(uri, ptr + "/uri") : file(uri, ptr + "/uri");
    }
    if (b.has("byteLength")) {
      long declared = integer(b, "byteLength", ptr, 0, 1, Integer.MAX_VALUE);
      if (declared > data.capacity()) {
        throw FormatException.at(name, ptr + "/byteLength", "declares " + declared + " bytes but its data holds "
            + data.capacity());
      }
      data = data.duplicate().limit((int) declared).slice();
    }
    return data.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** data:[mediatype];base64,DATA (RFC 2397); the decoded size is 3/4 of the text, so it is what the file holds. */
  private ByteBuffer dataUri(String uri, String ptr) {
    int comma = uri.indexOf(',');
    if (comma < 0 || !uri.substring(0, comma).endsWith(";base64")) {
      throw FormatException.at(name, ptr, "a data: URI must be base64 (data:...;base64,...)");
    }
    try {
      return ByteBuffer.wrap(Base64.getDecoder().decode(uri.substring(comma + 1)));
    } catch (IllegalArgumentException e) {
      throw FormatException.at(name, ptr, "invalid base64: " + e.getMessage());
    }
  }

  private ByteBuffer file(String uri, String ptr) throws IOException {
    Path p;
    try {
      p = Inputs.inside(dir, Inputs.percentDecode(uri));
    } catch (Inputs.Refused e) {
      throw FormatException.at(name, ptr, quote(uri) + " " + e.getMessage());
    }
    long size = Files.size(p);
    if (size > Inputs.MAX_BYTES) {
      throw FormatException.at(name, ptr, quote(uri) + " is " + size + " bytes, more than one array holds");
    }
    return ByteBuffer.wrap(Files.readAllBytes(p));
  }

  /** Where an accessor's elements lie: {@code count} elements of {@code size} bytes, {@code stride} apart. */
  private record Accessor(int index, ByteBuffer data, int start, int stride, int count, int componentType) {}

  /**
   * Resolves and bounds-checks an accessor: count * stride must fit its bufferView and the view its buffer, all in
   * long arithmetic, before the caller allocates anything.
   */
  private Accessor accessor(int a, int[] types, int comps, String what, String from) {
    String ptr = "/accessors/" + a;
    JsonNode acc = element("accessors", "accessor", a, from);
    if (acc.has("sparse")) {
      throw FormatException.at(name, ptr + "/sparse", "sparse accessors are not supported");
    }
    int ct = (int) integer(acc, "componentType", ptr, -1, 0, Integer.MAX_VALUE);
    int compSize = ct == UNSIGNED_BYTE ? 1 : ct == UNSIGNED_SHORT ? 2 : ct == UNSIGNED_INT || ct == FLOAT ? 4 : 0;
    if (Arrays.stream(types).noneMatch(t -> t == ct)) {
      throw FormatException.at(name, ptr + "/componentType", what + " cannot have component type " + ct);
    }
    JsonNode type = acc.get("type");
    String want = comps == 3 ? "VEC3" : "SCALAR";
    if (type == null || !want.equals(type.asText())) {
      throw FormatException.at(name, ptr + "/type", what + " must be " + want + ", is "
          + (type == null ? "missing" : quote(type.asText())));
    }
    long count = integer(acc, "count", ptr, -1, 1, Integer.MAX_VALUE);
    if (!acc.has("bufferView")) {
      throw FormatException.at(name, ptr, what + " accessor has no bufferView");
    }
    int v = (int) integer(acc, "bufferView", ptr, -1, 0, Integer.MAX_VALUE);
    String vptr = "/bufferViews/" + v;
    JsonNode view = element("bufferViews", "bufferView", v, ptr + "/bufferView");
    int bi = (int) integer(view, "buffer", vptr, -1, 0, Integer.MAX_VALUE);
    if (bi >= buffers.length) {
      throw FormatException.at(name, vptr + "/buffer", "buffer " + bi + " does not exist (the file has "
          + buffers.length + ")");
    }
    ByteBuffer buf = buffers[bi];
    long viewOffset = integer(view, "byteOffset", vptr, 0, 0, Integer.MAX_VALUE);
    long viewLength = integer(view, "byteLength", vptr, -1, 1, Integer.MAX_VALUE);
    if (viewOffset + viewLength > buf.capacity()) {
      throw FormatException.at(name, vptr, "bytes " + viewOffset + " to " + (viewOffset + viewLength)
          + " lie outside buffer " + bi + " of " + buf.capacity() + " bytes");
    }
    int elem = comps * compSize;
    long stride = elem;
    if (view.has("byteStride")) {
      stride = integer(view, "byteStride", vptr, 0, 4, 252);
      if (stride % 4 != 0 || stride < elem) {
        throw FormatException.at(name, vptr + "/byteStride", stride + " is not a multiple of 4 of at least the "
            + elem + "-byte elements");
      }
    }
    long accOffset = integer(acc, "byteOffset", ptr, 0, 0, Integer.MAX_VALUE);
    // count <= 2^31 and stride <= 252: the product fits a long.
    long need = accOffset + (count - 1) * stride + elem;
    if (need > viewLength) {
      throw FormatException.at(name, ptr + "/count", count + " elements of " + elem + " bytes, " + stride
          + " apart from byte " + accOffset + ", need " + need + " bytes but bufferView " + v + " holds "
          + viewLength);
    }
    return new Accessor(a, buf, (int) (viewOffset + accOffset), (int) stride, (int) count, ct);
  }

  // ---- meshes ----

  private record Primitive(Accessor position, Accessor normal, Accessor indices, int slot, int base, boolean owner,
      String ptr) {}

  private MeshData mesh(int m, String from) {
    if (meshes[m] != null) {
      return meshes[m];
    }
    String ptr = "/meshes/" + m;
    JsonNode mesh = element("meshes", "mesh", m, from);
    JsonNode prims = array(mesh, "primitives", ptr);
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
      JsonNode p = object(prims.get(k), pp);
      if (integer(p, "mode", pp, 4, 0, 6) != 4) {
        continue; // points, lines and strips carry no triangle list
      }
      JsonNode attrs = object(p.get("attributes"), pp + "/attributes");
      if (!attrs.has("POSITION")) {
        throw FormatException.at(name, pp + "/attributes", "primitive has no POSITION");
      }
      int[] floatOnly = {FLOAT};
      Accessor pos = accessor(index(attrs, "POSITION", pp + "/attributes"), floatOnly, 3, "POSITION",
          pp + "/attributes/POSITION");
      Accessor nrm = null;
      if (attrs.has("NORMAL")) {
        nrm = accessor(index(attrs, "NORMAL", pp + "/attributes"), floatOnly, 3, "NORMAL", pp + "/attributes/NORMAL");
        if (nrm.count() != pos.count()) {
          throw FormatException.at(name, pp + "/attributes/NORMAL", "NORMAL has " + nrm.count()
              + " elements, POSITION " + pos.count());
        }
      } else {
        normals = false;
      }
      Accessor ix = null;
      if (p.has("indices")) {
        ix = accessor(index(p, "indices", pp), new int[] {UNSIGNED_BYTE, UNSIGNED_SHORT, UNSIGNED_INT}, 1,
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
      int mat = p.has("material") ? index(p, "material", pp) : -1;
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
        floats(p.position(), pos, 3 * p.base(), "POSITION");
        if (nrm != null) {
          floats(p.normal(), nrm, 3 * p.base(), "NORMAL");
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

  private void floats(Accessor a, float[] out, int at, String what) {
    ByteBuffer b = a.data();
    for (int i = 0; i < a.count(); i++) {
      int src = a.start() + i * a.stride();
      for (int k = 0; k < 3; k++) {
        float v = b.getFloat(src + 4 * k);
        if (!Float.isFinite(v)) {
          throw FormatException.at(name, "/accessors/" + a.index(), what + " " + i + " is not finite");
        }
        out[at + 3 * i + k] = v;
      }
    }
  }

  private Material material(int index, String from) {
    if (index < 0) {
      return DEFAULT;
    }
    String ptr = "/materials/" + index;
    JsonNode m = element("materials", "material", index, from);
    JsonNode pbr = m.path("pbrMetallicRoughness");
    String pp = ptr + "/pbrMetallicRoughness";
    double[] c = numbers(pbr, "baseColorFactor", pp, 4, 4, 1, 1, 1, 1);
    for (int i = 0; i < 4; i++) {
      unit(c[i], pp + "/baseColorFactor/" + i);
    }
    double metallic = unit(number(pbr, "metallicFactor", pp, 1), pp + "/metallicFactor");
    double roughness = unit(number(pbr, "roughnessFactor", pp, 1), pp + "/roughnessFactor");
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

  // ---- nodes ----

  private List<Part> parts() {
    JsonNode nodes = array(root, "nodes", "");
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
        object(node, "/nodes/" + i);
      }
      JsonNode children = node.get("children");
      if (children != null && !children.isArray()) {
        array(node, "children", "/nodes/" + i);
      }
      for (int k = 0; children != null && k < children.size(); k++) {
        int c = quickIndex(children.get(k), n);
        String cp = c >= 0 && c != i && parent[c] < 0 ? null : "/nodes/" + i + "/children/" + k;
        if (c < 0) {
          c = index(children.get(k), cp, n, "node"); // refuses, or accepts a spelling like 1.0 (cp is then set)
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
    JsonNode scenes = root.has("scenes") ? array(root, "scenes", "") : null;
    if (scenes != null && scenes.size() > 0) {
      int s = root.has("scene") ? index(root.get("scene"), "/scene", scenes.size(), "scene") : 0;
      String sp = "/scenes/" + s;
      JsonNode scene = object(scenes.get(s), sp);
      JsonNode list = scene.has("nodes") ? array(scene, "nodes", sp) : null;
      boolean[] listed = new boolean[n];
      for (int k = 0; list != null && k < list.size(); k++) {
        int r = quickIndex(list.get(k), n);
        String rp = r >= 0 && parent[r] < 0 && !listed[r] ? null : sp + "/nodes/" + k;
        if (r < 0) {
          r = index(list.get(k), rp, n, "node"); // refuses, or accepts a spelling like 1.0 (rp is then set)
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
      int m = index(node.get("mesh"), ptr + "/mesh", meshes.length, "mesh");
      mesh = mesh(m, ptr + "/mesh");
      mats = meshMaterials.get(m);
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
      double[] c = numbers(n, "matrix", ptr, 16, 16);
      // glTF matrices are column-major; ours are row-major.
      r = new double[16];
      for (int row = 0; row < 4; row++) for (int col = 0; col < 4; col++) r[row * 4 + col] = c[col * 4 + row];
    } else if (n.has("translation") || n.has("rotation") || n.has("scale")) {
      double[] t = numbers(n, "translation", ptr, 3, 3, 0, 0, 0);
      double[] q = numbers(n, "rotation", ptr, 4, 4, 0, 0, 0, 1);
      double[] s = numbers(n, "scale", ptr, 3, 3, 1, 1, 1);
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

  // ---- JSON access with pointers: every value is checked for its type and range where it is read ----

  private JsonNode object(JsonNode n, String ptr) {
    if (n == null || !n.isObject()) {
      throw FormatException.at(name, ptr, "expected an object, found " + kind(n));
    }
    return n;
  }

  /** The array {@code field} of {@code n}, or an empty one when absent. */
  private JsonNode array(JsonNode n, String field, String ptr) {
    JsonNode a = n.get(field);
    if (a == null) {
      return JSON.createArrayNode();
    }
    if (!a.isArray()) {
      throw FormatException.at(name, ptr + "/" + field, "expected an array, found " + kind(a));
    }
    return a;
  }

  /** Element {@code i} of the top-level array {@code field}, an object; {@code from} is where i was read. */
  private JsonNode element(String field, String what, int i, String from) {
    JsonNode a = array(root, field, "");
    if (i >= a.size()) {
      throw FormatException.at(name, from, what + " " + i + " does not exist (the file has " + a.size() + ")");
    }
    return object(a.get(i), "/" + field + "/" + i);
  }

  /** An index into one of the top-level arrays: an integer in [0, 2^31). */
  private int index(JsonNode n, String field, String ptr) {
    return (int) integer(n, field, ptr, -1, 0, Integer.MAX_VALUE - 1);
  }

  /** v when it is an integer in [0, size), else -1 (then {@link #index(JsonNode, String, int, String)} says why). */
  private static int quickIndex(JsonNode v, int size) {
    return v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 && v.intValue() < size ? v.intValue() : -1;
  }

  /** An integer in [0, size). */
  private int index(JsonNode v, String ptr, int size, String what) {
    long i = integerValue(v, ptr, 0, Integer.MAX_VALUE);
    if (i >= size) {
      throw FormatException.at(name, ptr, what + " " + i + " does not exist (the file has " + size + ")");
    }
    return (int) i;
  }

  /** The integer {@code field} of {@code n} in [min, max]; {@code dflt} when absent, or required when dflt &lt; 0. */
  private long integer(JsonNode n, String field, String ptr, long dflt, long min, long max) {
    JsonNode v = n.get(field);
    if (v == null) {
      if (dflt < 0) {
        throw FormatException.at(name, ptr, "\"" + field + "\" is missing");
      }
      return dflt;
    }
    return integerValue(v, ptr + "/" + field, min, max);
  }

  private long integerValue(JsonNode v, String ptr, long min, long max) {
    // 8 and 8.0 are the same JSON number; 8.5, 1e400 and 99999999999999999999 are not integers we can use.
    double d = v.isNumber() ? v.doubleValue() : Double.NaN;
    if (!(d == Math.rint(d) && d >= min && d <= max)) {
      throw FormatException.at(name, ptr, "expected an integer from " + min + " to " + max + ", found "
          + text(v));
    }
    return (long) d;
  }

  private double number(JsonNode n, String field, String ptr, double dflt) {
    JsonNode v = n.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw FormatException.at(name, ptr + "/" + field, "expected a finite number, found " + text(v));
    }
    return v.doubleValue();
  }

  /** The array of numbers {@code field} with min..max entries, or {@code dflt} when absent. */
  private double[] numbers(JsonNode n, String field, String ptr, int min, int max, double... dflt) {
    JsonNode a = n.get(field);
    if (a == null && dflt.length > 0) {
      return dflt;
    }
    String fp = ptr + "/" + field;
    if (a == null || !a.isArray() || a.size() < min || a.size() > max) {
      throw FormatException.at(name, fp, "expected " + (min == max ? "" + min : min + " to " + max)
          + " numbers, found " + (a != null && a.isArray() ? a.size() + " entries" : kind(a)));
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        throw FormatException.at(name, fp + "/" + i, "expected a finite number, found " + text(v));
      }
      out[i] = v.doubleValue();
    }
    return out;
  }

  private static String kind(JsonNode n) {
    return n == null || n.isMissingNode() ? "nothing" : n.getNodeType().toString().toLowerCase();
  }

  /** A value as it appears in the file, cut short. */
  private static String text(JsonNode v) {
    String s = v.isTextual() ? "\"" + v.textValue() + "\"" : v.isValueNode() ? v.asText() : kind(v);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
  }
}
