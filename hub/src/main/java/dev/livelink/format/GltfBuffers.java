package dev.livelink.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** The buffers of a glTF file (GLB BIN chunk, data: URIs, files) and its accessors, bounds-checked through views. */
final class GltfBuffers {
  // Accessor component types (5.1.3).
  static final int UNSIGNED_BYTE = 5121;
  static final int UNSIGNED_SHORT = 5123;
  static final int UNSIGNED_INT = 5125;
  static final int FLOAT = 5126;

  /** Where an accessor's elements lie: {@code count} elements of {@code size} bytes, {@code stride} apart. */
  record Accessor(int index, ByteBuffer data, int start, int stride, int count, int componentType) {}

  private final GltfJson json;
  private final String name;
  private final Path dir;
  private final ByteBuffer[] buffers;

  GltfBuffers(GltfJson json, Path dir, ByteBuffer glbBin) throws IOException {
    this.json = json;
    this.name = json.name;
    this.dir = dir;
    JsonNode bs = json.array(json.root, "buffers", "");
    buffers = new ByteBuffer[bs.size()];
    for (int i = 0; i < bs.size(); i++) {
      buffers[i] = buffer(bs.get(i), "/buffers/" + i, glbBin);
    }
  }

  /** The bytes of all buffers, which count as input for the expansion budget. */
  long bytes() {
    long n = 0;
    for (ByteBuffer b : buffers) {
      n += b.capacity();
    }
    return n;
  }

  private ByteBuffer buffer(JsonNode b, String ptr, ByteBuffer glbBin) throws IOException {
    json.object(b, ptr);
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
      long declared = json.integer(b, "byteLength", ptr, 0, 1, Integer.MAX_VALUE);
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
      throw FormatException.at(name, ptr, GltfJson.quote(uri) + " " + e.getMessage());
    }
    long size = Files.size(p);
    if (size > Inputs.MAX_BYTES) {
      throw FormatException.at(name, ptr, GltfJson.quote(uri) + " is " + size + " bytes, more than one array holds");
    }
    return ByteBuffer.wrap(Files.readAllBytes(p));
  }

  /**
   * Resolves and bounds-checks an accessor: count * stride must fit its bufferView and the view its buffer, all in
   * long arithmetic, before the caller allocates anything.
   */
  Accessor accessor(int a, int[] types, int comps, String what, String from) {
    String ptr = "/accessors/" + a;
    JsonNode acc = json.element("accessors", "accessor", a, from);
    if (acc.has("sparse")) {
      throw FormatException.at(name, ptr + "/sparse", "sparse accessors are not supported");
    }
    int ct = (int) json.integer(acc, "componentType", ptr, -1, 0, Integer.MAX_VALUE);
    int compSize = ct == UNSIGNED_BYTE ? 1 : ct == UNSIGNED_SHORT ? 2 : ct == UNSIGNED_INT || ct == FLOAT ? 4 : 0;
    if (Arrays.stream(types).noneMatch(t -> t == ct)) {
      throw FormatException.at(name, ptr + "/componentType", what + " cannot have component type " + ct);
    }
    JsonNode type = acc.get("type");
    String want = comps == 3 ? "VEC3" : "SCALAR";
    if (type == null || !want.equals(type.asText())) {
      throw FormatException.at(name, ptr + "/type", what + " must be " + want + ", is "
          + (type == null ? "missing" : GltfJson.quote(type.asText())));
    }
    long count = json.integer(acc, "count", ptr, -1, 1, Integer.MAX_VALUE);
    if (!acc.has("bufferView")) {
      throw FormatException.at(name, ptr, what + " accessor has no bufferView");
    }
    int v = (int) json.integer(acc, "bufferView", ptr, -1, 0, Integer.MAX_VALUE);
    String vptr = "/bufferViews/" + v;
    JsonNode view = json.element("bufferViews", "bufferView", v, ptr + "/bufferView");
    int bi = (int) json.integer(view, "buffer", vptr, -1, 0, Integer.MAX_VALUE);
    if (bi >= buffers.length) {
      throw FormatException.at(name, vptr + "/buffer", "buffer " + bi + " does not exist (the file has "
          + buffers.length + ")");
    }
    ByteBuffer buf = buffers[bi];
    long viewOffset = json.integer(view, "byteOffset", vptr, 0, 0, Integer.MAX_VALUE);
    long viewLength = json.integer(view, "byteLength", vptr, -1, 1, Integer.MAX_VALUE);
    if (viewOffset + viewLength > buf.capacity()) {
      throw FormatException.at(name, vptr, "bytes " + viewOffset + " to " + (viewOffset + viewLength)
          + " lie outside buffer " + bi + " of " + buf.capacity() + " bytes");
    }
    int elem = comps * compSize;
    long stride = elem;
    if (view.has("byteStride")) {
      stride = json.integer(view, "byteStride", vptr, 0, 4, 252);
      if (stride % 4 != 0 || stride < elem) {
        throw FormatException.at(name, vptr + "/byteStride", stride + " is not a multiple of 4 of at least the "
            + elem + "-byte elements");
      }
    }
    long accOffset = json.integer(acc, "byteOffset", ptr, 0, 0, Integer.MAX_VALUE);
    // count <= 2^31 and stride <= 252: the product fits a long.
    long need = accOffset + (count - 1) * stride + elem;
    if (need > viewLength) {
      throw FormatException.at(name, ptr + "/count", count + " elements of " + elem + " bytes, " + stride
          + " apart from byte " + accOffset + ", need " + need + " bytes but bufferView " + v + " holds "
          + viewLength);
    }
    return new Accessor(a, buf, (int) (viewOffset + accOffset), (int) stride, (int) count, ct);
  }

  void floats(Accessor a, float[] out, int at, String what) {
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
}
