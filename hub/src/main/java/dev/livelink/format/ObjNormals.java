package dev.livelink.format;

/**
 * OBJ normals for {@link ObjReader}: {@code vn} lines, the normal index of a face corner, and the split of a part's
 * vertices into one per distinct (position, normal) pair, since a mesh blob's normals belong to vertices.
 */
final class ObjNormals {
  private ObjNormals() {}

  /** A "vn" line's numbers. Apart from the parse loop, which a file without normals runs as before. */
  static void read(AsciiScanner s, FloatList nrm) {
    nrm.add3(s.parseFloat(), s.parseFloat(), s.parseFloat());
  }

  /**
   * Reads the "/vt/vn" after a corner's vertex index at {@code p} into {@code npoly[n]}: the 0-based normal index,
   * or -1 when the corner names none, or one that is not there (exporters write "f 1/1/1" with no vn lines).
   * Returns the position after what it read. Apart from ObjReader's face loop, which a file without normals runs as
   * fast as before.
   */
  static int corner(byte[] b, int p, int end, int ncount, int[] npoly, int n) {
    int normal = -1;
    if (p < end && b[p] == '/') {
      p++;
      while (p < end && b[p] != '/' && b[p] > ' ') {
        p++; // the texture index, if any
      }
      if (p < end && b[p] == '/') {
        p++;
        boolean neg = p < end && b[p] == '-';
        if (neg) {
          p++;
        }
        int start = p;
        long v = 0;
        int d;
        while (p < end && (d = b[p] - '0') >= 0 && d <= 9 && p - start < 10) {
          v = v * 10 + d;
          p++;
        }
        long ni = neg ? ncount - v : v - 1;
        if (p > start && v > 0 && ni >= 0 && ni < ncount) {
          normal = (int) ni;
        }
      }
    }
    npoly[n] = normal;
    return p;
  }

  /**
   * Like ObjReader's remap, with one vertex per distinct (position, normal) pair of the part's corners. A position's
   * vertices form a chain (first in {@code remap}, the next ones through {@code next}), a few long at most: one per
   * face meeting there. {@code expected}: vertices to make room for at first. Returns {positions, normals}.
   */
  static float[][] remap(int[] tris, int[] cornerNormals, int from, float[] pos, float[] nrm, int[] remap,
      int expected) {
    FloatList local = new FloatList(expected * 3, null);
    FloatList localN = new FloatList(expected * 3, null);
    int[] normalOf = new int[tris.length];
    int[] next = new int[tris.length];
    IntList touched = new IntList(tris.length, null);
    for (int i = 0; i < tris.length; i++) {
      int v = tris[i];
      int n = cornerNormals[from + i];
      int l = remap[v];
      int last = -1;
      while (l >= 0 && normalOf[l] != n) {
        last = l;
        l = next[l];
      }
      if (l < 0) {
        l = local.n / 3;
        normalOf[l] = n;
        next[l] = -1;
        if (last < 0) {
          remap[v] = l;
          touched.add(v);
        } else {
          next[last] = l;
        }
        local.add3(pos[3 * v], pos[3 * v + 1], pos[3 * v + 2]);
        localN.add3(nrm[3 * n], nrm[3 * n + 1], nrm[3 * n + 2]);
      }
      tris[i] = l;
    }
    for (int i = 0; i < touched.n; i++) {
      remap[touched.a[i]] = -1;
    }
    return new float[][] {local.toArray(), localN.toArray()};
  }
}
