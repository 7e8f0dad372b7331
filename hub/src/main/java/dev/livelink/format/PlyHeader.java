package dev.livelink.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A PLY header: its format and elements, parsed and with every element count checked against the bytes after it. */
record PlyHeader(String format, List<PlyHeader.Element> elements, long vertices) {
  /** A property; {@code countType} is null unless it is a list. Sizes are in bytes (binary). */
  record Prop(String name, String type, String countType) {
    boolean isList() {
      return countType != null;
    }

    /** Bytes of one value, or of one list item. */
    int size() {
      return typeSize(type);
    }

    /** The least bytes the property takes in a binary item: its value, or a list's count. */
    int minSize() {
      return isList() ? typeSize(countType) : typeSize(type);
    }

    boolean integral() {
      return !type.startsWith("float") && !type.equals("double");
    }
  }

  /** An element of the header; {@code line} and {@code lineStart} place its header line for errors. */
  record Element(String name, long count, List<Prop> props, int line, int lineStart) {}

  boolean ascii() {
    return format.equals("ascii");
  }

  /** Parses the header from the start of {@code s}, leaving {@code s} at the first byte of the body. */
  static PlyHeader read(AsciiScanner s, byte[] b, String name) {
    if (!s.keyword("ply")) {
      throw new FormatException(name + ":1: not a PLY file (does not start with \"ply\")");
    }
    s.nextLine();
    String format = null;
    List<Element> elements = new ArrayList<>();
    while (true) {
      if (s.atEnd()) {
        throw new FormatException(name + ":" + s.line + ": PLY header has no end_header");
      }
      s.skipBlanks();
      int lineStart = s.pos;
      if (s.keyword("end_header")) {
        s.nextLine();
        break;
      } else if (s.keyword("format")) {
        format = s.token();
      } else if (s.keyword("element")) {
        String en = s.token();
        int count = s.parseInt();
        if (count < 0) {
          throw s.error("element count " + count + " is negative");
        }
        elements.add(new Element(en, count, new ArrayList<>(), s.line, lineStart));
      } else if (s.keyword("property")) {
        if (elements.isEmpty()) {
          throw s.error("property before any element");
        }
        String t = s.token();
        Prop p = t.equals("list") ? listProp(s) : new Prop(s.token(), known(t, s), null);
        Element e = elements.get(elements.size() - 1);
        if (e.name().equals("face") && isIndexList(p) && !p.isList()) {
          // Found by FuzzBench: a scalar "property int vertex_indices" reached the list reader (a null count type).
          throw s.error("a face's " + p.name() + " must be a list");
        }
        e.props().add(p);
      }
      s.nextLine();
    }
    if (format == null) {
      throw new FormatException(name + ":" + s.line + ": PLY header has no format line");
    }
    boolean ascii = format.equals("ascii");
    if (!ascii && !format.equals("binary_little_endian") && !format.equals("binary_big_endian")) {
      throw new FormatException(name + ": PLY format \"" + format + "\" is not ascii or binary");
    }
    return new PlyHeader(format, elements, checkCounts(b, s.pos, name, elements, ascii));
  }

  /**
   * Refuses counts that the bytes after the header cannot hold, before anything is allocated for them.
   *
   * @return the vertex count the header declares
   */
  private static long checkCounts(byte[] b, int body, String name, List<Element> elements, boolean ascii) {
    long remaining = b.length - body;
    long least = 0;
    long vertices = 0;
    for (Element e : elements) {
      if (e.count() > 0 && e.props().isEmpty()) {
        throw headerError(b, name, e, "element \"" + e.name() + "\" declares " + e.count()
            + " items but no properties");
      }
      long min = 0;
      for (Prop p : e.props()) {
        min += ascii ? 2 : p.minSize();
      }
      // The last ascii value needs no separator after it: hence the +1.
      if (min > 0 && e.count() > (remaining + (ascii ? 1 : 0) - least) / min) {
        throw headerError(b, name, e, "element \"" + e.name() + "\" declares " + e.count() + " items of at least "
            + min + " bytes each, but " + (remaining - least) + " bytes are left for them");
      }
      least += e.count() * min;
      if (e.name().equals("vertex")) {
        vertices = e.count();
      }
    }
    return vertices;
  }

  private static FormatException headerError(byte[] b, String name, Element e, String what) {
    int end = e.lineStart();
    while (end < b.length && b[end] != '\n' && b[end] != '\r' && end - e.lineStart() < 120) {
      end++;
    }
    String text = new String(b, e.lineStart(), end - e.lineStart(), StandardCharsets.UTF_8).strip();
    return new FormatException(name + ":" + e.line() + ": " + what + " in \"" + text + "\"");
  }

  private static Prop listProp(AsciiScanner s) {
    String countType = known(s.token(), s);
    String itemType = known(s.token(), s);
    return new Prop(s.token(), itemType, countType);
  }

  private static String known(String type, AsciiScanner s) {
    if (typeSize(type) == 0) {
      throw s.error("unknown PLY type \"" + type + "\"");
    }
    return type;
  }

  /** Bytes of a PLY type, 0 when it is not one. */
  static int typeSize(String t) {
    switch (t) {
      case "char": case "uchar": case "int8": case "uint8": return 1;
      case "short": case "ushort": case "int16": case "uint16": return 2;
      case "int": case "uint": case "int32": case "uint32": case "float": case "float32": return 4;
      case "double": case "float64": return 8;
      default: return 0;
    }
  }

  static boolean isIndexList(Prop p) {
    return p.name().equals("vertex_indices") || p.name().equals("vertex_index");
  }
}
