package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Wavefront OBJ: {@code v} positions, {@code vn} normals, {@code f} faces (polygons are fanned into
 * triangles, negative indices count back; {@code v//vn} and {@code v/vt/vn} corners carry a normal), {@code o}/
 * {@code g} start a new part, {@code usemtl} sets the material of following faces, {@code mtllib} loads colours.
 * Texture coordinates are skipped, and so is a corner's normal index that names no {@code vn} line so far. One
 * pass over the bytes, no per-line allocation.
 *
 * <p>OBJ normals belong to face corners, a mesh blob's to vertices: a vertex used with two normals (the corners of
 * a hard edge) becomes two vertices. A part where any corner lacks a normal gets none, so the receiver shades it
 * by angle rather than half by the file and half by guess.
 */
public final class ObjReader {
  private ObjReader() {}

  /**
   * Faces of one part, as global vertex indices. Materials are kept as runs (first triangle, slot), since most
   * parts have one material and a per-triangle list would cost a write per triangle.
   */
  private static final class Group {
    String name;
    final int start; // first index of this group's triangles in the shared corner list
    int end;
    final IntList runs = new IntList(2, null);
    final Map<String, Integer> slots = new LinkedHashMap<>();
    int slot;
    int min = Integer.MAX_VALUE;
    int max = -1;
    boolean someNormals; // a corner of this group named a normal
    boolean missingNormals; // a corner of this group named none

    Group(String name, int start) {
      this.name = name;
      this.start = start;
      this.end = start;
    }
  }

  /** The most materials one part may use: a mesh blob's per-triangle material index is at most 65535. */
  static final int MAX_MATERIALS = 65536;
  private static final List<Material> DEFAULT_ONLY = List.of(Material.of("default", 0.8, 0.8, 0.8, 1));

  public static List<Part> read(Path file) throws IOException {
    return read(file, Inputs.readAll(file));
  }

  /**
   * Reads {@code bytes} as the content of {@code file}. An {@code mtllib} is read only when it is a file in the
   * folder of {@code file} (or below it); one named by an absolute path or one leading outside is looked for by its
   * bare name in that folder, and a library that is not there leaves the default grey, as a missing one does.
   */
  public static List<Part> read(Path file, byte[] bytes) throws IOException {
    Set<String> mtllibs = new LinkedHashSet<>();
    Parsed parsed = parse(bytes, file.getFileName().toString(), mtllibs);
    Map<String, Material> mtl = new LinkedHashMap<>();
    Path dir = Inputs.folderOf(file);
    for (String lib : mtllibs) {
      Path p = library(dir, lib);
      if (p != null) {
        mtl.putAll(MtlReader.read(p));
      }
    }
    return toParts(parsed, mtl, Formats.stem(file));
  }

  /** The library file, or null when it is not in the folder (exporters write absolute paths of another machine). */
  private static Path library(Path dir, String lib) {
    try {
      return Inputs.inside(dir, lib);
    } catch (Inputs.Refused e) {
      String bare = lib.substring(Math.max(lib.lastIndexOf('/'), lib.lastIndexOf('\\')) + 1);
      try {
        return bare.equals(lib) || bare.isEmpty() ? null : Inputs.inside(dir, bare);
      } catch (Inputs.Refused again) {
        return null;
      }
    }
  }

  /**
   * The parse result; positions and corners are over-allocated buffers with their used lengths. cornerNormals is
   * parallel to corners (a normal index, -1 for none), or null when no corner names a normal.
   */
  private record Parsed(List<Group> groups, float[] positions, int positionCount, int[] corners, float[] normals,
      int[] cornerNormals) {}

  private static Parsed parse(byte[] bytes, String name, Set<String> mtllibs) {
    AsciiScanner s = new AsciiScanner(bytes, 0, bytes.length, name);
    FloatList pos = new FloatList(bytes.length / 16, name);
    FloatList nrm = new FloatList(16, name);
    IntList cn = null; // made at the first corner that names a normal
    // One corner list for all groups, sized for a typical file so it rarely grows: each group is a range of it.
    IntList tris = new IntList(bytes.length / 10, name);
    List<Group> groups = new ArrayList<>();
    Group g = new Group(null, 0);
    groups.add(g);
    int[] poly = new int[64];
    int[] npoly = new int[64];
    while (!s.atEnd()) {
      s.skipBlanks();
      if (s.atEnd()) {
        break;
      }
      byte c = bytes[s.pos];
      if (c == 'v' && s.pos + 1 < s.end && (bytes[s.pos + 1] == ' ' || bytes[s.pos + 1] == '\t')) {
        s.pos += 2;
        pos.add3(s.parseFloat(), s.parseFloat(), s.parseFloat());
      } else if (c == 'v' && s.pos + 2 < s.end && bytes[s.pos + 1] == 'n'
          && (bytes[s.pos + 2] == ' ' || bytes[s.pos + 2] == '\t')) {
        s.pos += 3;
        ObjNormals.read(s, nrm);
      } else if (c == 'f' && s.pos + 1 < s.end && (bytes[s.pos + 1] == ' ' || bytes[s.pos + 1] == '\t')) {
        s.pos += 2;
        int vcount = pos.n / 3;
        int n;
        while ((n = faceIndices(s, vcount, nrm.n / 3, poly, npoly)) < 0) {
          // a face with more corners than poly holds: again, with room
          poly = Arrays.copyOf(poly, poly.length * 4);
          npoly = new int[poly.length];
        }
        if (n < 3) {
          throw s.error("face has " + n + " vertices, needs at least 3");
        }
        int tri = (tris.n - g.start) / 3;
        if (g.runs.n == 0 || g.runs.a[g.runs.n - 1] != g.slot) {
          g.runs.add(tri);
          g.runs.add(g.slot);
        }
        for (int i = 0; i < n; i++) {
          if (poly[i] < g.min) g.min = poly[i];
          if (poly[i] > g.max) g.max = poly[i];
        }
        if (nrm.n == 0) {
          g.missingNormals = true; // no vn so far: no corner names one
        } else {
          cn = fanNormals(g, cn, tris.n, npoly, n, name);
        }
        for (int i = 1; i + 1 < n; i++) {
          tris.add(poly[0]);
          tris.add(poly[i]);
          tris.add(poly[i + 1]);
        }
        g.end = tris.n;
      } else if (c == 'o' || c == 'g') {
        s.pos++;
        String gname = s.restOfLine();
        if (g.end == g.start && g.slots.isEmpty()) {
          g.name = gname.isEmpty() ? null : gname; // nothing in it yet: it becomes the new group
          s.nextLine();
          continue;
        }
        Group next = new Group(gname.isEmpty() ? null : gname, tris.n);
        if (g.slot >= 0 && !g.slots.isEmpty()) {
          // A usemtl before "o" carries over, as Blender and most readers do.
          String current = g.slots.keySet().stream().skip(g.slot).findFirst().orElse(null);
          if (current != null) {
            next.slots.put(current, 0);
          }
        }
        g = next;
        groups.add(g);
      } else if (s.keyword("usemtl")) {
        String m = s.restOfLine();
        Group cur = g;
        if (g.slots.size() == MAX_MATERIALS && !g.slots.containsKey(m)) {
          throw s.error("more than " + MAX_MATERIALS + " materials in one object");
        }
        g.slot = g.slots.computeIfAbsent(m, k -> cur.slots.size());
      } else if (s.keyword("mtllib")) {
        mtllibs.add(s.restOfLine());
      }
      s.nextLine();
    }
    return new Parsed(groups, pos.a, pos.n, tris.a, nrm.a, cn == null ? null : cn.a);
  }

  /**
   * Appends the normal indices of one face's fan to {@code cn} (parallel to the corners: {@code corners} of them
   * before this face), making it at the first face that names a normal, and notes in {@code g} whether corners
   * named normals or not. Returns cn.
   */
  private static IntList fanNormals(Group g, IntList cn, int corners, int[] npoly, int n, String name) {
    boolean named = false;
    for (int i = 0; i < n; i++) {
      if (npoly[i] >= 0) named = true;
      else g.missingNormals = true;
    }
    g.someNormals |= named;
    if (named && cn == null) {
      cn = new IntList(Math.max(corners * 2, 1024), name);
      Arrays.fill(cn.a, 0, corners, -1);
      cn.n = corners;
    }
    if (cn != null) {
      for (int i = 1; i + 1 < n; i++) {
        cn.add(npoly[0]);
        cn.add(npoly[i]);
        cn.add(npoly[i + 1]);
      }
    }
    return cn;
  }

  /** Splits the global vertex array into one compact vertex array per part. */
  private static List<Part> toParts(Parsed parsed, Map<String, Material> mtl, String stem) {
    List<Group> groups = parsed.groups();
    float[] pos = parsed.positions();
    int posCount = parsed.positionCount();
    List<Part> parts = new ArrayList<>();
    int[] remap = null;
    int k = 0;
    for (Group g : groups) {
      if (g.end == g.start) {
        continue;
      }
      int[] tris = Arrays.copyOfRange(parsed.corners(), g.start, g.end);
      float[] local;
      float[] normals = null;
      int span = g.max - g.min + 1;
      if (g.someNormals && !g.missingNormals) {
        if (remap == null) {
          remap = new int[posCount / 3];
          Arrays.fill(remap, -1);
        }
        float[][] both = ObjNormals.remap(tris, parsed.cornerNormals(), g.start, pos, parsed.normals(), remap,
            Math.min(tris.length, span));
        local = both[0];
        normals = both[1];
      } else if (span <= tris.length) {
        // The usual layout: a part's vertices are one block of the file. Copy the block, shift the indices.
        local = Arrays.copyOfRange(pos, 3 * g.min, 3 * (g.max + 1));
        int lo = g.min;
        if (lo != 0) {
          for (int i = 0; i < tris.length; i++) {
            tris[i] -= lo;
          }
        }
      } else {
        if (remap == null) {
          remap = new int[posCount / 3];
          Arrays.fill(remap, -1);
        }
        local = remap(tris, pos, remap);
      }
      List<Material> mats = DEFAULT_ONLY;
      if (!g.slots.isEmpty()) {
        mats = new ArrayList<>(g.slots.size());
        for (String m : g.slots.keySet()) {
          Material known = mtl.get(m);
          mats.add(known != null ? known : Material.of(m, 0.8, 0.8, 0.8, 1));
        }
      }
      int[] mi = mats.size() > 1 ? expand(g.runs, tris.length / 3) : null;
      String name = g.name != null ? g.name : (groups.size() == 1 ? stem : stem + "." + k);
      parts.add(new Part("part" + k, name, null, Transform.IDENTITY,
          new MeshData(local, tris, normals, mi), mats));
      k++;
    }
    return parts;
  }

  /**
   * Reads the corners of one "f" line: position indices into {@code poly}, normal indices into {@code npoly} (-1
   * where a corner names none; not written while {@code ncount} is 0, as none can be named), both 0-based with
   * negatives resolved; texture indices are skipped. Returns how many, or -1 when poly is too small (the cursor is
   * then left where it was). A tight loop over local variables: faces are half of a typical file.
   */
  private static int faceIndices(AsciiScanner s, int vcount, int ncount, int[] poly, int[] npoly) {
    final byte[] b = s.b;
    final int end = s.end;
    int p = s.pos;
    int n = 0;
    while (true) {
      while (p < end && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      if (p >= end || b[p] == '\n' || b[p] == '\r') {
        break;
      }
      boolean neg = b[p] == '-';
      if (neg || b[p] == '+') {
        p++;
      }
      int start = p;
      long v = 0;
      int d;
      while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
        v = v * 10 + d;
        p++;
      }
      if (p == start || p - start > 10) {
        s.pos = p;
        throw s.error(p == start ? "expected a vertex index" : "vertex index too large");
      }
      long k = neg ? -v : v;
      long idx = k > 0 ? k - 1 : vcount + k;
      if (k == 0 || idx < 0 || idx >= vcount) {
        s.pos = p;
        throw s.error("face names vertex " + k + " but " + vcount + " vertices are defined so far");
      }
      if (n == poly.length) {
        return -1;
      }
      if (ncount > 0) {
        p = ObjNormals.corner(b, p, end, ncount, npoly, n);
      }
      poly[n++] = (int) idx;
      while (p < end && b[p] > ' ') {
        p++; // "/vt/vn", or what is left of it
      }
    }
    s.pos = p;
    return n;
  }

  /** Gathers the vertices a part uses, in first-use order; {@code remap} is all -1 before and after. */
  private static float[] remap(int[] tris, float[] pos, int[] remap) {
    FloatList local = new FloatList(tris.length * 3, null);
    IntList touched = new IntList(tris.length, null);
    for (int i = 0; i < tris.length; i++) {
      int v = tris[i];
      int l = remap[v];
      if (l < 0) {
        l = local.n / 3;
        remap[v] = l;
        touched.add(v);
        local.add3(pos[3 * v], pos[3 * v + 1], pos[3 * v + 2]);
      }
      tris[i] = l;
    }
    for (int i = 0; i < touched.n; i++) {
      remap[touched.a[i]] = -1;
    }
    return local.toArray();
  }

  private static int[] expand(IntList runs, int triangles) {
    int[] mi = new int[triangles];
    for (int r = 0; r < runs.n; r += 2) {
      int end = r + 2 < runs.n ? runs.a[r + 2] : triangles;
      Arrays.fill(mi, runs.a[r], end, runs.a[r + 1]);
    }
    return mi;
  }
}
