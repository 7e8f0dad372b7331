package dev.livelink.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The binary mesh blob, little-endian, laid out so that a reader can hand each section to a typed array view
 * (Python's memoryview.cast, Blender's foreach_set) without touching single vertices.
 *
 * <pre>
 * offset  size       field
 * 0       4          magic "LLMB"
 * 4       2  u16     layout version = 1
 * 6       2  u16     flags: bit 0 = normals present, bit 1 = material index present
 * 8       4  u32     vertex count V
 * 12      4  u32     triangle count T
 * 16      16         reserved, zero
 * 32      12 V       positions, float32 x y z per vertex
 * ..      12 T       indices, uint32 a b c per triangle (counter-clockwise seen from outside)
 * ..      12 V       normals, float32 x y z per vertex        (if flag bit 0)
 * ..      4 T        material index, uint32 per triangle       (if flag bit 1)
 * </pre>
 */
public final class MeshBlob {
  public static final int HEADER = 32;
  public static final int VERSION = 1;
  public static final int FLAG_NORMALS = 1;
  public static final int FLAG_MATERIAL_INDEX = 2;
  private static final int MAGIC = 'L' | 'L' << 8 | 'M' << 16 | 'B' << 24;

  private MeshBlob() {}

  public static byte[] encode(MeshData m) {
    int v = m.vertexCount();
    int t = m.triangleCount();
    int flags = (m.normals() != null ? FLAG_NORMALS : 0) | (m.materialIndex() != null ? FLAG_MATERIAL_INDEX : 0);
    long size = size(v, t, flags);
    if (size > Integer.MAX_VALUE - 64) {
      throw new ModelException("mesh of " + v + " vertices and " + t + " triangles is too large for one blob");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putShort((short) VERSION).putShort((short) flags).putInt(v).putInt(t);
    b.position(HEADER);
    b.asFloatBuffer().put(m.positions());
    b.position(b.position() + 12 * v);
    b.asIntBuffer().put(m.indices());
    b.position(b.position() + 12 * t);
    if (m.normals() != null) {
      b.asFloatBuffer().put(m.normals());
      b.position(b.position() + 12 * v);
    }
    if (m.materialIndex() != null) {
      b.asIntBuffer().put(m.materialIndex());
    }
    return b.array();
  }

  static long size(long v, long t, int flags) {
    long s = HEADER + 12 * v + 12 * t;
    if ((flags & FLAG_NORMALS) != 0) s += 12 * v;
    if ((flags & FLAG_MATERIAL_INDEX) != 0) s += 4 * t;
    return s;
  }

  /** Header facts of a valid blob. */
  public record Info(int vertices, int triangles, boolean normals, boolean materialIndex) {}

  /**
   * Checks every rule of the layout: magic, version, flags, exact size, indices below V, finite floats.
   *
   * @throws ModelException naming the first broken rule
   */
  public static Info validate(byte[] data) {
    return validate(data, 0, data.length);
  }

  /**
   * As {@link #validate(byte[])}, for a blob that lies in {@code data} at {@code offset} (a batch held in one
   * array): read in place, not copied.
   */
  public static Info validate(byte[] data, int offset, int length) {
    if (length < HEADER) {
      throw new ModelException("mesh blob is " + length + " bytes, shorter than its 32-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(data, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != MAGIC) {
      throw new ModelException("mesh blob does not start with magic \"LLMB\"");
    }
    int version = b.getShort(4) & 0xffff;
    if (version != VERSION) {
      throw new ModelException("mesh blob layout version " + version + " is not supported (expected 1)");
    }
    int flags = b.getShort(6) & 0xffff;
    if ((flags & ~3) != 0) {
      throw new ModelException("mesh blob has unknown flags 0x" + Integer.toHexString(flags));
    }
    long v = b.getInt(8) & 0xffffffffL;
    long t = b.getInt(12) & 0xffffffffL;
    long expected = size(v, t, flags);
    if (expected != length) {
      throw new ModelException("mesh blob header declares " + v + " vertices and " + t + " triangles ("
          + expected + " bytes) but the blob is " + length + " bytes");
    }
    int iv = (int) v;
    int it = (int) t;
    b.position(HEADER);
    checkFinite(b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), 3 * iv, "position");
    int idxStart = HEADER + 12 * iv;
    IntBuffer idx = b.position(idxStart).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    for (int i = 0; i < 3 * it; i++) {
      int k = idx.get(i);
      if (k < 0 || k >= iv) {
        throw new ModelException("mesh blob triangle " + i / 3 + " names vertex " + (k & 0xffffffffL)
            + " but there are " + iv + " vertices");
      }
    }
    int next = idxStart + 12 * it;
    if ((flags & FLAG_NORMALS) != 0) {
      checkFinite(b.position(next).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), 3 * iv, "normal");
      next += 12 * iv;
    }
    if ((flags & FLAG_MATERIAL_INDEX) != 0) {
      IntBuffer mi = b.position(next).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      for (int i = 0; i < it; i++) {
        if (mi.get(i) < 0 || mi.get(i) > 65535) {
          throw new ModelException("mesh blob triangle " + i + " has material index " + (mi.get(i) & 0xffffffffL)
              + " (at most 65535)");
        }
      }
    }
    return new Info(iv, it, (flags & FLAG_NORMALS) != 0, (flags & FLAG_MATERIAL_INDEX) != 0);
  }

  private static void checkFinite(FloatBuffer f, int n, String what) {
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(f.get(i))) {
        throw new ModelException("mesh blob " + what + " of vertex " + i / 3 + " is " + f.get(i));
      }
    }
  }

  public static MeshData decode(byte[] data) {
    Info info = validate(data);
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int v = info.vertices();
    int t = info.triangles();
    float[] pos = new float[3 * v];
    int[] idx = new int[3 * t];
    b.position(HEADER);
    b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(pos);
    int p = HEADER + 12 * v;
    b.position(p).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(idx);
    p += 12 * t;
    float[] nrm = null;
    if (info.normals()) {
      nrm = new float[3 * v];
      b.position(p).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(nrm);
      p += 12 * v;
    }
    int[] mi = null;
    if (info.materialIndex()) {
      mi = new int[t];
      b.position(p).slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(mi);
    }
    return new MeshData(pos, idx, nrm, mi);
  }
}
