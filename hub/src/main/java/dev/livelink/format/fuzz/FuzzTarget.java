package dev.livelink.format.fuzz;

import dev.livelink.format.Formats;
import dev.livelink.format.MtlReader;
import dev.livelink.format.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A reader under fuzzing: which seed files it starts from, how an input is fed to it, and how many bytes it may
 * allocate per input byte (see {@link FuzzRunner} for the bound and why).
 */
public enum FuzzTarget {
  /** OBJ, and the MTL it names (an .mtl seed is fed to the MTL reader). */
  OBJ(64, "obj", "mtl"),
  /** STL, ascii and binary. */
  STL(64, "stl"),
  /** PLY, ascii and both binary byte orders. */
  PLY(64, "ply"),
  /**
   * glTF, .gltf and .glb. Twice the others' factor: its JSON is a tree of objects first, and a node can be three
   * bytes ("{},") that cost a JSON object (~72 bytes), a part and its id (~90): ~72 bytes per byte measured.
   */
  GLTF(128, "gltf", "glb");

  private final long allocFactor;
  private final List<String> extensions;

  FuzzTarget(long allocFactor, String... extensions) {
    this.allocFactor = allocFactor;
    this.extensions = List.of(extensions);
  }

  /** Bytes the reader may allocate per input byte, above {@link FuzzRunner#ALLOC_SLACK}. */
  public long allocFactor() {
    return allocFactor;
  }

  /** The bound on what reading {@code inputBytes} may allocate. */
  public long allocBound(long inputBytes) {
    return allocFactor * inputBytes + FuzzRunner.ALLOC_SLACK;
  }

  /** The target whose seeds include files named like {@code file}. */
  public static FuzzTarget of(Path file) {
    String ext = Formats.extension(file);
    for (FuzzTarget t : values()) {
      if (t.extensions.contains(ext)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no fuzz target reads ." + ext);
  }

  /** The seed files of this reader in {@code fixtures}, by name. */
  public List<Mutator.Seed> seeds(Path fixtures) throws IOException {
    List<Mutator.Seed> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(fixtures)) {
      for (Path p : files.sorted().toList()) {
        if (extensions.contains(Formats.extension(p))) {
          out.add(new Mutator.Seed(p.getFileName().toString(), Files.readAllBytes(p)));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no " + extensions + " seed files in " + fixtures);
    }
    return out;
  }

  /**
   * Reads {@code input} as a file of the seed's format placed in {@code fixtures}, so the files it names (an mtllib,
   * a glTF buffer) are looked up beside the seeds. An MTL returns no parts.
   */
  public List<Part> feed(Path fixtures, String seedName, byte[] input) throws IOException {
    String ext = Formats.extension(Path.of(seedName));
    if (ext.equals("mtl")) {
      MtlReader.read(fixtures.resolve("fuzz.mtl"), input);
      return List.of();
    }
    return Formats.read(fixtures.resolve("fuzz." + ext), input);
  }
}
