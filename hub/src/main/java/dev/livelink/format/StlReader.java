package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.MeshData;
import dev.livelink.model.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads STL, binary or ASCII. Binary: 80-byte header, u32 triangle count, then 50 bytes per triangle (normal,
 * three float32 vertices, u16 attribute). A file whose size matches that layout is binary even if it starts with
 * "solid", as some exporters write. Triangles keep their own three vertices (STL shares none).
 */
public final class StlReader {
  private StlReader() {}

  private static final List<Material> DEFAULT = List.of(Material.of("default", 0.8, 0.8, 0.8, 1));

  public static List<Part> read(Path file) throws IOException {
    return read(file, Inputs.readAll(file));
  }

  /** Reads {@code b} as the content of {@code file}, which only names it in errors. */
  public static List<Part> read(Path file, byte[] b) {
    String name = file.getFileName().toString();
    MeshData mesh = isBinary(b) ? binary(b, name) : ascii(b, name);
    return List.of(new Part("part0", Formats.stem(file), null, Transform.IDENTITY, mesh, DEFAULT));
  }

  private static boolean isBinary(byte[] b) {
    if (b.length >= 84) {
      long n = ByteBuffer.wrap(b, 80, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
      if (84 + 50 * n == b.length) {
        return true;
      }
    }
    // ASCII starts with "solid" and has a "facet" soon after; a binary header may also start with "solid".
    String head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.ISO_8859_1);
    return !(head.stripLeading().startsWith("solid") && (head.contains("facet") || head.contains("endsolid")));
  }

  static MeshData binary(byte[] b, String name) {
    if (b.length < 84) {
      throw FormatException.atByte(name, b.length, "binary STL ends inside its 84-byte header");
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long n = buf.getInt(80) & 0xffffffffL;
    long expected = 84 + 50 * n;
    // Checked before anything is allocated: the count is whatever the header says, the length is what is there.
    if (expected != b.length) {
      throw FormatException.atByte(name, 80, (expected > b.length ? "truncated binary STL" : "binary STL")
          + ": header declares " + n + " triangles (" + expected + " bytes) but the file is " + b.length + " bytes");
    }
    int t = (int) n;
    float[] pos = new float[9 * t];
    int[] idx = new int[3 * t];
    for (int i = 0; i < t; i++) {
      int off = 84 + 50 * i + 12;
      for (int k = 0; k < 9; k++) {
        float v = buf.getFloat(off + 4 * k);
        if (!Float.isFinite(v)) {
          throw FormatException.atByte(name, off + 4 * k, "triangle " + i + " has a non-finite coordinate " + v);
        }
        pos[9 * i + k] = v;
      }
    }
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return new MeshData(pos, idx, null, null);
  }

  static MeshData ascii(byte[] b, String name) {
    AsciiScanner s = new AsciiScanner(b, 0, b.length, name);
    FloatList pos = new FloatList(b.length / 80, name);
    int inFacet = 0;
    while (!s.atEnd()) {
      s.skipBlanks();
      if (s.keyword("vertex")) {
        pos.add3(s.parseFloat(), s.parseFloat(), s.parseFloat());
        inFacet++;
      } else if (s.keyword("facet")) {
        inFacet = 0;
      } else if (s.keyword("endfacet")) {
        if (inFacet != 3) {
          throw s.error("facet has " + inFacet + " vertices, STL needs 3");
        }
      }
      s.nextLine();
    }
    if (pos.n % 9 != 0) {
      throw new FormatException(name + ":" + s.line + ": ASCII STL ends inside a facet");
    }
    int[] idx = new int[pos.n / 3];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return new MeshData(pos.toArray(), idx, null, null);
  }
}
