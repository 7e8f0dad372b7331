package dev.livelink.model;

import java.util.regex.Pattern;

/** Rules for identifiers that end up in URLs and file names. */
public final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,200}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Ids() {}

  public static String check(String what, String id) {
    if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      throw new ModelException(what + " \"" + id + "\" must be 1-200 of A-Z a-z 0-9 _ . : -");
    }
    return id;
  }

  public static boolean isSha256(String s) {
    return s != null && SHA256.matcher(s).matches();
  }
}
