package dev.livelink.format;

import dev.livelink.model.Material;
import dev.livelink.model.Rgba;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the colours of an MTL file: {@code Kd} diffuse colour, {@code d} opacity or {@code Tr} transparency. */
public final class MtlReader {
  private MtlReader() {}

  public static Map<String, Material> read(Path file) throws IOException {
    return read(file, Inputs.readAll(file));
  }

  /** Reads {@code b} as the content of {@code file}, which only names it in errors. */
  public static Map<String, Material> read(Path file, byte[] b) {
    AsciiScanner s = new AsciiScanner(b, 0, b.length, file.getFileName().toString());
    Map<String, Material> out = new LinkedHashMap<>();
    String name = null;
    double[] kd = {0.8, 0.8, 0.8};
    double alpha = 1;
    while (!s.atEnd()) {
      s.skipBlanks();
      if (s.keyword("newmtl")) {
        if (name != null) {
          out.put(name, material(name, kd, alpha));
        }
        name = s.restOfLine();
        kd = new double[] {0.8, 0.8, 0.8};
        alpha = 1;
      } else if (s.keyword("Kd")) {
        kd = new double[] {clamp(s.parseFloat()), clamp(s.parseFloat()), clamp(s.parseFloat())};
      } else if (s.keyword("d")) {
        alpha = clamp(s.parseFloat());
      } else if (s.keyword("Tr")) {
        alpha = 1 - clamp(s.parseFloat());
      }
      s.nextLine();
    }
    if (name != null) {
      out.put(name, material(name, kd, alpha));
    }
    return out;
  }

  private static Material material(String name, double[] kd, double alpha) {
    return new Material(name, new Rgba(kd[0], kd[1], kd[2], alpha), 0, 0.5);
  }

  private static double clamp(float v) {
    return Math.max(0, Math.min(1, v));
  }
}
