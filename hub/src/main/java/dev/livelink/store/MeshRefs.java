package dev.livelink.store;

import java.util.HashMap;
import java.util.Map;

/** How many kept versions reference each mesh blob; the store's lock guards it. */
final class MeshRefs {
  /** How many kept versions reference one blob. */
  private static final class Ref {
    final String hash;
    int count;

    Ref(String hash) {
      this.hash = hash;
    }
  }

  private final Map<String, Ref> refs = new HashMap<>();

  /** Counts one more reference to each hash; returns the hashes as the reference map's own instances. */
  String[] add(String[] meshes) {
    String[] out = new String[meshes.length];
    for (int i = 0; i < meshes.length; i++) {
      Ref r = refs.computeIfAbsent(meshes[i], Ref::new);
      r.count++;
      out[i] = r.hash;
    }
    return out;
  }

  /** @return true when that was the last reference */
  boolean release(String hash) {
    Ref r = refs.get(hash);
    if (r == null) {
      return false;
    }
    if (--r.count > 0) {
      return false;
    }
    refs.remove(hash);
    return true;
  }

  boolean contains(String hash) {
    return refs.containsKey(hash);
  }
}
