package dev.livelink.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lowercase hex SHA-256, the address of every blob. */
public final class Sha256 {
  /** One digest per thread: looking the algorithm up costs more than hashing a small blob. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  });

  private Sha256() {}

  public static String hex(byte[] data) {
    return hex(data, 0, data.length);
  }

  /** The hash of {@code length} bytes of {@code data} from {@code offset}, hashed in place. */
  public static String hex(byte[] data, int offset, int length) {
    MessageDigest md = DIGEST.get();
    md.reset();
    md.update(data, offset, length);
    return HexFormat.of().formatHex(md.digest()); // digest() also resets it for the next use
  }
}
