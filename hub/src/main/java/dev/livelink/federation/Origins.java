package dev.livelink.federation;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the versions this hub received came from: its own version of a remote scene ↔ the hub, scene and version
 * number there, so a local ack goes back to the right sender; and the last version of each remote scene taken, so a
 * redelivered older one is skipped. The latest {@value #MAX} are remembered (in memory: after a restart, an ack for
 * a version received before it is not relayed).
 */
final class Origins {
  record Origin(String hub, String scene, int version) {}

  private record Local(String scene, int version) {}

  private static final int MAX = 10_000;
  private final Map<Local, Origin> byLocal = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Local, Origin> eldest) {
      return size() > MAX;
    }
  };
  private final Map<String, Integer> applied = new HashMap<>();

  synchronized void record(String localScene, int localVersion, Origin o) {
    byLocal.put(new Local(localScene, localVersion), o);
    applied.merge(o.hub() + "/" + o.scene(), o.version(), Math::max);
  }

  synchronized Origin of(String localScene, int localVersion) {
    return byLocal.get(new Local(localScene, localVersion));
  }

  /** Whether a version at least as new of this remote scene was taken already. */
  synchronized boolean seen(String hub, String scene, int version) {
    Integer v = applied.get(hub + "/" + scene);
    return v != null && v >= version;
  }
}
