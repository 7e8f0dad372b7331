package dev.livelink.format;

import dev.livelink.format.PlyHeader.Element;
import dev.livelink.format.PlyHeader.Prop;
import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads PLY (ascii, binary_little_endian, binary_big_endian): the vertex element's x, y, z and the face element's
 * vertex_indices (or vertex_index) list, fanned into triangles. Other elements and properties are skipped by size.
 *
 * <p>Every count is checked against the bytes that are there before it is used: an element's count times the least
 * bytes one item can take (binary: its fixed properties and list counts; ascii: two characters per property, a value
 * and a separator) must fit in what follows the header, and a list's count times its item size (ascii: two
 * characters) in what follows the count. So a 200-byte file cannot ask for gigabytes.
 */
public final class PlyReader {
  private static final List<Material> DEFAULT = List.of(Material.of("default", 0.8, 0.8, 0.8, 1));

  private PlyReader() {}

  public static List<Part> read(Path file) throws IOException {
    return read(file, Inputs.readAll(file));
  }

  /** Reads {@code b} as the content of {@code file}, which only names it in errors. */
  public static List<Part> read(Path file, byte[] b) {
    String name = file.getFileName().toString();
    return List.of(new Part("part0", Formats.stem(file), null, Transform.IDENTITY, parse(b, name), DEFAULT));
  }

  static MeshData parse(byte[] b, String name) {
    AsciiScanner s = new AsciiScanner(b, 0, b.length, name);
    PlyHeader h = PlyHeader.read(s, b, name);
    FloatList pos = new FloatList(1024, name);
    IntList idx = new IntList(1024, name);
    if (h.ascii()) {
      readAscii(s, h.elements(), h.vertices(), pos, idx);
    } else {
      ByteBuffer buf = ByteBuffer.wrap(b).order(h.format().endsWith("little_endian")
          ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      buf.position(s.pos);
      readBinary(buf, name, h.elements(), (int) h.vertices(), pos, idx);
    }
    return new MeshData(pos.toArray(), idx.toArray(), null, null);
  }

  private static boolean isFace(Element e, Prop p) {
    return e.name().equals("face") && PlyHeader.isIndexList(p);
  }

  /** 1, 2, 3 for the vertex element's x, y, z; 0 for anything else. */
  private static int axis(Element e, Prop p) {
    if (!e.name().equals("vertex") || p.isList()) {
      return 0;
    }
    switch (p.name()) {
      case "x": return 1;
      case "y": return 2;
      case "z": return 3;
      default: return 0;
    }
  }

  private static void readAscii(AsciiScanner s, List<Element> elements, long vertices, FloatList pos, IntList idx) {
    int[] poly = new int[64];
    float[] xyz = new float[4];
    for (Element e : elements) {
      boolean vertex = e.name().equals("vertex");
      int np = e.props().size();
      Prop[] props = e.props().toArray(new Prop[0]);
      int[] axes = new int[np];
      boolean[] face = new boolean[np];
      for (int k = 0; k < np; k++) {
        axes[k] = axis(e, props[k]);
        face[k] = isFace(e, props[k]);
      }
      for (long i = 0; i < e.count(); i++) {
        xyz[1] = 0;
        xyz[2] = 0;
        xyz[3] = 0;
        for (int k = 0; k < np; k++) {
          Prop p = props[k];
          if (p.isList()) {
            int n = s.parseInt();
            if (n < 0) {
              throw s.error("list count " + n + " is negative");
            }
            // Each item takes a character and a separator at least (the last one no separator).
            if (n > (s.end - s.pos + 1) / 2) {
              throw s.error("list of " + n + " items but " + (s.end - s.pos) + " bytes remain");
            }
            if (n > poly.length) {
              poly = new int[Math.max(n, 2 * poly.length)];
            }
            for (int j = 0; j < n; j++) {
              poly[j] = p.integral() ? s.parseInt() : (int) s.parseFloat();
            }
            if (face[k]) {
              if (n < 3) {
                throw s.error("face has " + n + " vertices, needs at least 3");
              }
              for (int j = 0; j < n; j++) {
                if (poly[j] < 0 || poly[j] >= vertices) {
                  throw s.error("face names vertex " + poly[j] + " but there are " + vertices + " vertices");
                }
              }
              fan(poly, n, idx);
            }
          } else {
            float v = s.parseFloat();
            xyz[axes[k]] = v;
          }
        }
        if (vertex) {
          pos.add3(xyz[1], xyz[2], xyz[3]);
        }
        s.nextLine();
      }
    }
  }

  private static void fan(int[] poly, int n, IntList idx) {
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
      s += p.size();
    }
    return s;
  }

  private static int offsetOf(Element e, String name, String type) {
    int off = 0;
    for (Prop p : e.props()) {
      if (p.name().equals(name)) {
        return p.type().equals(type) || p.type().equals(type + "32") ? off : -1;
      }
      off += p.size();
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
      throw FormatException.atByte(name, b.position(), "binary PLY is truncated: " + e.count() + " vertices need "
          + need + " bytes, " + (b.limit() - b.position()) + " remain");
    }
    int base = b.position();
    for (int i = 0; i < e.count(); i++) {
      int at = base + i * stride;
      float x = b.getFloat(at + ox);
      float y = b.getFloat(at + oy);
      float z = b.getFloat(at + oz);
      if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
        throw FormatException.atByte(name, at, "vertex " + i + " has a non-finite coordinate");
      }
      pos.add3(x, y, z);
    }
    b.position((int) (base + need));
    return true;
  }

  /** Faces with one uchar-counted list of 32-bit indices and nothing else: the layout nearly every writer uses. */
  private static boolean fastFaces(ByteBuffer b, String name, Element e, int vertices, IntList idx) {
    if (e.props().size() != 1 || !isFace(e, e.props().get(0))) {
      return false;
    }
    Prop p = e.props().get(0);
    if (PlyHeader.typeSize(p.countType()) != 1 || p.size() != 4 || !p.integral()) {
      return false;
    }
    int at = b.position();
    int limit = b.limit();
    for (long i = 0; i < e.count(); i++) {
      if (at >= limit) {
        throw FormatException.atByte(name, at, "binary PLY is truncated at face " + i + " of " + e.count());
      }
      int n = b.get(at) & 0xff;
      if (at + 1 + 4L * n > limit) {
        throw FormatException.atByte(name, at, "binary PLY is truncated at face " + i + " of " + e.count()
            + ": its " + n + " indices need " + 4 * n + " bytes, " + (limit - at - 1) + " remain");
      }
      if (n < 3) {
        throw FormatException.atByte(name, at, "face " + i + " has " + n + " vertices, needs at least 3");
      }
      for (int k = 0; k < n; k++) {
        int v = b.getInt(at + 1 + 4 * k);
        if (v < 0 || v >= vertices) {
          throw FormatException.atByte(name, at + 1 + 4 * k, "face " + i + " names vertex " + (v & 0xffffffffL)
              + " but there are " + vertices + " vertices");
        }
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

  private static void readBinary(ByteBuffer b, String name, List<Element> elements, int vertices, FloatList pos,
      IntList idx) {
    int[] poly = new int[64];
    long item = b.position();
    try {
      for (Element e : elements) {
        boolean vertex = e.name().equals("vertex");
        if (vertex ? fastVertices(b, name, e, pos) : e.name().equals("face") && fastFaces(b, name, e, vertices, idx)) {
          continue;
        }
        for (long i = 0; i < e.count(); i++) {
          item = b.position();
          double x = 0, y = 0, z = 0;
          for (Prop p : e.props()) {
            if (p.isList()) {
              long n = (long) number(b, p.countType());
              if (n < 0 || n * p.size() > b.remaining()) {
                throw FormatException.atByte(name, b.position() - p.minSize(), "list of " + n + " items of "
                    + p.size() + " bytes in " + e.name() + " " + i + " but " + b.remaining() + " bytes remain");
              }
              int count = (int) n;
              if (count > poly.length) {
                poly = new int[Math.max(count, 2 * poly.length)];
              }
              for (int k = 0; k < count; k++) {
                poly[k] = (int) number(b, p.type());
              }
              if (isFace(e, p)) {
                if (count < 3) {
                  throw FormatException.atByte(name, item, "face " + i + " has " + count + " vertices, needs at "
                      + "least 3");
                }
                for (int k = 0; k < count; k++) {
                  if (poly[k] < 0 || poly[k] >= vertices) {
                    throw FormatException.atByte(name, item, "face " + i + " names vertex " + poly[k]
                        + " but there are " + vertices + " vertices");
                  }
                }
                fan(poly, count, idx);
              }
            } else {
              double v = number(b, p.type());
              if (vertex) {
                switch (p.name()) {
                  case "x": x = v; break;
                  case "y": y = v; break;
                  case "z": z = v; break;
                  default: break;
                }
              }
            }
          }
          if (vertex) {
            float fx = (float) x, fy = (float) y, fz = (float) z;
            if (!Float.isFinite(fx) || !Float.isFinite(fy) || !Float.isFinite(fz)) {
              throw FormatException.atByte(name, item, "vertex " + i + " has a non-finite coordinate");
            }
            pos.add3(fx, fy, fz);
          }
        }
      }
    } catch (BufferUnderflowException e) {
      throw FormatException.atByte(name, item, "binary PLY is truncated: the header declares more data than the "
          + "file has");
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
