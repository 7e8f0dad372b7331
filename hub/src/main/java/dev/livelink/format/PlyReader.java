package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PLY (ascii, binary_little_endian, binary_big_endian): the vertex element's x, y, z and the face element's
 * vertex_indices (or vertex_index) list, fanned into triangles. Other elements and properties are skipped by size.
 */
public final class PlyReader {
  private PlyReader() {}

  private record Prop(String name, String type, String countType) {
    boolean isList() {
      return countType != null;
    }
  }

  private record Element(String name, long count, List<Prop> props) {}

  public static List<Part> read(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    return List.of(new Part("part0", Formats.stem(file), null, Transform.IDENTITY, parse(b, name),
        List.of(Material.of("default", 0.8, 0.8, 0.8, 1))));
  }

  static MeshData parse(byte[] b, String name) {
    AsciiScanner s = new AsciiScanner(b, 0, b.length, name);
    if (!s.keyword("ply")) {
      throw new FormatException(name + ": not a PLY file (does not start with \"ply\")");
    }
    s.nextLine();
    String format = null;
    List<Element> elements = new ArrayList<>();
    while (true) {
      if (s.atEnd()) {
        throw new FormatException(name + ": PLY header has no end_header");
      }
      s.skipBlanks();
      if (s.keyword("end_header")) {
        s.nextLine();
        break;
      } else if (s.keyword("format")) {
        format = s.token();
      } else if (s.keyword("element")) {
        String en = s.token();
        long count = s.parseInt();
        elements.add(new Element(en, count, new ArrayList<>()));
      } else if (s.keyword("property")) {
        if (elements.isEmpty()) {
          throw s.error("property before any element");
        }
        String t = s.token();
        Prop p = t.equals("list") ? listProp(s) : new Prop(s.token(), t, null);
        size(p.type(), s);
        elements.get(elements.size() - 1).props().add(p);
      }
      s.nextLine();
    }
    if (format == null) {
      throw new FormatException(name + ": PLY header has no format line");
    }
    FloatList pos = new FloatList(1024);
    IntList idx = new IntList(1024);
    if (format.equals("ascii")) {
      readAscii(s, elements, pos, idx);
    } else if (format.equals("binary_little_endian") || format.equals("binary_big_endian")) {
      ByteBuffer buf = ByteBuffer.wrap(b).order(format.endsWith("little_endian")
          ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      buf.position(s.pos);
      readBinary(buf, name, elements, pos, idx);
    } else {
      throw new FormatException(name + ": PLY format \"" + format + "\" is not ascii or binary");
    }
    int v = pos.n / 3;
    for (int i = 0; i < idx.n; i++) {
      if (idx.a[i] < 0 || idx.a[i] >= v) {
        throw new FormatException(name + ": face " + i / 3 + " names vertex " + idx.a[i] + " but there are " + v);
      }
    }
    return new MeshData(pos.toArray(), idx.toArray(), null, null);
  }

  private static Prop listProp(AsciiScanner s) {
    String countType = s.token();
    size(countType, s);
    String itemType = s.token();
    return new Prop(s.token(), itemType, countType);
  }

  private static int size(String type, AsciiScanner s) {
    switch (type) {
      case "char": case "uchar": case "int8": case "uint8": return 1;
      case "short": case "ushort": case "int16": case "uint16": return 2;
      case "int": case "uint": case "int32": case "uint32": case "float": case "float32": return 4;
      case "double": case "float64": return 8;
      default: throw s.error("unknown PLY type \"" + type + "\"");
    }
  }

  private static boolean isFace(Element e, Prop p) {
    return e.name().equals("face") && (p.name().equals("vertex_indices") || p.name().equals("vertex_index"));
  }

  private static void readAscii(AsciiScanner s, List<Element> elements, FloatList pos, IntList idx) {
    int[] poly = new int[64];
    for (Element e : elements) {
      for (long i = 0; i < e.count(); i++) {
        float x = 0, y = 0, z = 0;
        for (Prop p : e.props()) {
          if (p.isList()) {
            int n = s.parseInt();
            if (n > poly.length) poly = new int[n];
            for (int k = 0; k < n; k++) poly[k] = (int) s.parseFloat();
            if (isFace(e, p)) fan(poly, n, idx, s);
          } else {
            float v = s.parseFloat();
            if (e.name().equals("vertex")) {
              switch (p.name()) {
                case "x": x = v; break;
                case "y": y = v; break;
                case "z": z = v; break;
                default: break;
              }
            }
          }
        }
        if (e.name().equals("vertex")) pos.add3(x, y, z);
        s.nextLine();
      }
    }
  }

  private static void fan(int[] poly, int n, IntList idx, AsciiScanner s) {
    if (n < 3) {
      throw s.error("PLY face has " + n + " vertices, needs at least 3");
    }
    for (int k = 1; k + 1 < n; k++) {
      idx.add(poly[0]);
      idx.add(poly[k]);
      idx.add(poly[k + 1]);
    }
  }

  /** Bytes per item of a fixed-size element, or -1 when it holds a list. */
  private static int stride(Element e) {
    int s = 0;
    for (Prop p : e.props()) {
      if (p.isList()) {
        return -1;
      }
      s += typeSize(p.type());
    }
    return s;
  }

  private static int typeSize(String t) {
    switch (t) {
      case "char": case "uchar": case "int8": case "uint8": return 1;
      case "short": case "ushort": case "int16": case "uint16": return 2;
      case "double": case "float64": return 8;
      default: return 4;
    }
  }

  private static int offsetOf(Element e, String name, String type) {
    int off = 0;
    for (Prop p : e.props()) {
      if (p.name().equals(name)) {
        return p.type().equals(type) || p.type().equals(type + "32") ? off : -1;
      }
      off += typeSize(p.type());
    }
    return -1;
  }

  /** The usual layout, read with absolute gets and no per-property dispatch: float x y z at fixed offsets. */
  private static boolean fastVertices(ByteBuffer b, String name, Element e, FloatList pos) {
    int stride = stride(e);
    int ox = offsetOf(e, "x", "float");
    int oy = offsetOf(e, "y", "float");
    int oz = offsetOf(e, "z", "float");
    if (stride < 0 || ox < 0 || oy < 0 || oz < 0) {
      return false;
    }
    long need = (long) stride * e.count();
    if (b.position() + need > b.limit()) {
      throw new FormatException(name + ": binary PLY is truncated: " + e.count() + " vertices need " + need
          + " bytes, " + (b.limit() - b.position()) + " remain");
    }
    int base = b.position();
    for (int i = 0; i < e.count(); i++) {
      int at = base + i * stride;
      float x = b.getFloat(at + ox);
      float y = b.getFloat(at + oy);
      float z = b.getFloat(at + oz);
      if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
        throw new FormatException(name + ": vertex " + i + " has a non-finite coordinate");
      }
      pos.add3(x, y, z);
    }
    b.position((int) (base + need));
    return true;
  }

  /** Faces with one uchar-counted list of 32-bit indices and nothing else: the layout nearly every writer uses. */
  private static boolean fastFaces(ByteBuffer b, String name, Element e, IntList idx) {
    if (e.props().size() != 1 || !isFace(e, e.props().get(0))) {
      return false;
    }
    Prop p = e.props().get(0);
    if (typeSize(p.countType()) != 1 || typeSize(p.type()) != 4 || p.type().startsWith("float")) {
      return false;
    }
    int at = b.position();
    int limit = b.limit();
    for (long i = 0; i < e.count(); i++) {
      if (at >= limit) {
        throw new FormatException(name + ": binary PLY is truncated at face " + i + " of " + e.count());
      }
      int n = b.get(at) & 0xff;
      if (at + 1 + 4L * n > limit) {
        throw new FormatException(name + ": binary PLY is truncated at face " + i + " of " + e.count());
      }
      if (n < 3) {
        throw new FormatException(name + ": face " + i + " has " + n + " vertices");
      }
      int first = b.getInt(at + 1);
      int prev = b.getInt(at + 5);
      for (int k = 2; k < n; k++) {
        int cur = b.getInt(at + 1 + 4 * k);
        idx.add(first);
        idx.add(prev);
        idx.add(cur);
        prev = cur;
      }
      at += 1 + 4 * n;
    }
    b.position(at);
    return true;
  }

  private static void readBinary(ByteBuffer b, String name, List<Element> elements, FloatList pos, IntList idx) {
    int[] poly = new int[64];
    try {
      for (Element e : elements) {
        boolean vertex = e.name().equals("vertex");
        if (vertex ? fastVertices(b, name, e, pos) : e.name().equals("face") && fastFaces(b, name, e, idx)) {
          continue;
        }
        for (long i = 0; i < e.count(); i++) {
          float x = 0, y = 0, z = 0;
          for (Prop p : e.props()) {
            if (p.isList()) {
              int n = (int) number(b, p.countType());
              if (n < 0 || n > 1 << 20) {
                throw new FormatException(name + ": PLY list of " + n + " items in " + e.name() + " " + i);
              }
              if (n > poly.length) poly = new int[n];
              for (int k = 0; k < n; k++) poly[k] = (int) number(b, p.type());
              if (isFace(e, p)) {
                if (n < 3) throw new FormatException(name + ": face " + i + " has " + n + " vertices");
                for (int k = 1; k + 1 < n; k++) {
                  idx.add(poly[0]);
                  idx.add(poly[k]);
                  idx.add(poly[k + 1]);
                }
              }
            } else {
              double v = number(b, p.type());
              if (vertex) {
                switch (p.name()) {
                  case "x": x = (float) v; break;
                  case "y": y = (float) v; break;
                  case "z": z = (float) v; break;
                  default: break;
                }
              }
            }
          }
          if (vertex) {
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
              throw new FormatException(name + ": vertex " + i + " has a non-finite coordinate");
            }
            pos.add3(x, y, z);
          }
        }
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new FormatException(name + ": binary PLY is truncated: the header declares more data than the file has");
    }
  }

  private static double number(ByteBuffer b, String type) {
    switch (type) {
      case "char": case "int8": return b.get();
      case "uchar": case "uint8": return b.get() & 0xff;
      case "short": case "int16": return b.getShort();
      case "ushort": case "uint16": return b.getShort() & 0xffff;
      case "int": case "int32": return b.getInt();
      case "uint": case "uint32": return b.getInt() & 0xffffffffL;
      case "float": case "float32": return b.getFloat();
      default: return b.getDouble();
    }
  }

}
