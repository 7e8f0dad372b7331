package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Wavefront OBJ: {@code v} positions, {@code f} faces (polygons are fanned into triangles, negative indices
 * count back), {@code o}/{@code g} start a new part, {@code usemtl} sets the material of following faces,
 * {@code mtllib} loads colours. Texture coordinates and normals are skipped. One pass over the bytes, no per-line
 * allocation.
 */
public final class ObjReader {
  private ObjReader() {}

  /** Faces of one part, as global vertex indices, with per-triangle material slot. */
  private static final class Group {
    final String name;
    final IntList tris = new IntList(1024);
    final IntList mats = new IntList(256);
    final Map<String, Integer> slots = new LinkedHashMap<>();
    int slot;

    Group(String name) {
      this.name = name;
    }
  }

  public static List<Part> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Path> mtllibs = new ArrayList<>();
    Parsed parsed = parse(bytes, file.getFileName().toString(), file.getParent(), mtllibs);
    Map<String, Material> mtl = new LinkedHashMap<>();
    for (Path lib : mtllibs) {
      if (Files.exists(lib)) {
        mtl.putAll(MtlReader.read(lib));
      }
    }
    return toParts(parsed, mtl, stem(file));
  }

  private record Parsed(List<Group> groups, float[] positions) {}

  static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** Parses the bytes; public for the benchmark. Returns the parts with their triangle counts. */
  public static List<Part> parse(byte[] bytes, String name) {
    return toParts(parse(bytes, name, null, new ArrayList<>()), Map.of(), name);
  }

  private static Parsed parse(byte[] bytes, String name, Path dir, List<Path> mtllibs) {
    AsciiScanner s = new AsciiScanner(bytes, 0, bytes.length, name);
    FloatList pos = new FloatList(bytes.length / 40);
    List<Group> groups = new ArrayList<>();
    Group g = new Group(null);
    groups.add(g);
    int[] poly = new int[64];
    while (!s.atEnd()) {
      s.skipBlanks();
      if (s.atEnd()) {
        break;
      }
      byte c = bytes[s.pos];
      if (c == 'v' && s.pos + 1 < s.end && (bytes[s.pos + 1] == ' ' || bytes[s.pos + 1] == '\t')) {
        s.pos += 2;
        pos.add3(s.parseFloat(), s.parseFloat(), s.parseFloat());
      } else if (c == 'f' && s.pos + 1 < s.end && (bytes[s.pos + 1] == ' ' || bytes[s.pos + 1] == '\t')) {
        s.pos += 2;
        int n = 0;
        int vcount = pos.n / 3;
        while (!s.atLineEnd()) {
          int k = s.parseInt();
          int idx = k > 0 ? k - 1 : vcount + k;
          if (k == 0 || idx < 0 || idx >= vcount) {
            throw s.error("face names vertex " + k + " but " + vcount + " vertices are defined so far");
          }
          // Skip "/vt/vn" after the position index.
          while (s.pos < s.end && bytes[s.pos] > ' ') {
            s.pos++;
          }
          if (n == poly.length) {
            poly = Arrays.copyOf(poly, n * 2);
          }
          poly[n++] = idx;
        }
        if (n < 3) {
          throw s.error("face has " + n + " vertices, needs at least 3");
        }
        for (int i = 1; i + 1 < n; i++) {
          g.tris.add(poly[0]);
          g.tris.add(poly[i]);
          g.tris.add(poly[i + 1]);
          g.mats.add(g.slot);
        }
      } else if (c == 'o' || c == 'g') {
        s.pos++;
        String gname = s.restOfLine();
        if (g.tris.n == 0 && g.slots.isEmpty()) {
          groups.remove(groups.size() - 1);
        }
        Group next = new Group(gname.isEmpty() ? null : gname);
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
        g.slot = g.slots.computeIfAbsent(m, k -> cur.slots.size());
      } else if (s.keyword("mtllib")) {
        String lib = s.restOfLine();
        if (dir != null) {
          mtllibs.add(dir.resolve(lib));
        }
      }
      s.nextLine();
    }
    return new Parsed(groups, pos.toArray());
  }

  /** Splits the global vertex array into one compact vertex array per part. */
  private static List<Part> toParts(Parsed parsed, Map<String, Material> mtl, String stem) {
    List<Group> groups = parsed.groups();
    float[] pos = parsed.positions();
    List<Part> parts = new ArrayList<>();
    int[] remap = new int[pos.length / 3];
    Arrays.fill(remap, -1);
    int k = 0;
    for (Group g : groups) {
      if (g.tris.n == 0) {
        continue;
      }
      int[] tris = g.tris.toArray();
      FloatList local = new FloatList(Math.min(pos.length, tris.length * 3));
      IntList touched = new IntList(tris.length);
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
      List<Material> mats = new ArrayList<>();
      for (String m : g.slots.keySet()) {
        mats.add(mtl.getOrDefault(m, Material.of(m, 0.8, 0.8, 0.8, 1)));
      }
      int[] mi = mats.size() > 1 ? g.mats.toArray() : null;
      if (mats.isEmpty()) {
        mats.add(Material.of("default", 0.8, 0.8, 0.8, 1));
      }
      String name = g.name != null ? g.name : (groups.size() == 1 ? stem : stem + "." + k);
      parts.add(new Part("part" + k, name, null, Transform.IDENTITY,
          new MeshData(local.toArray(), tris, null, mi), mats));
      k++;
    }
    return parts;
  }
}
