package dev.livelink.bench;

import dev.livelink.sdk.LiveLinkClient;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** FederationBench's {@code -Dwarm.apart=N}: the JIT warmed through hubs other than the timed ones. */
final class WarmApart {
  private WarmApart() {}

  /**
   * {@code n} first sends of the 410-part document through a pair of hubs in this JVM, in a space of their own, then
   * closed, their space's streams deleted and the heap collected. The JIT compiles the path of a first send while
   * they run: a method a first send calls a few times reaches the optimising compiler only after 100-200 of them
   * (FederationBench's own warm-ups, -Dwarm=100, left it compiling EncodedScene.encode, SceneJson.storedScene and
   * jnats's reader during the timed sends). They go through hubs other than the timed ones because many warm-ups
   * leave a hub holding hundreds of scenes and 100,000s of blobs, which slows its collections. Measured in
   * docs/performance.md: it did not make the timed sends faster.
   */
  static void run(int n, Path dir, String url) throws Exception {
    try (BenchHub a = BenchHub.inProcess(dir.resolve("a"), url, "warm-a", "warmup");
        BenchHub b = BenchHub.inProcess(dir.resolve("b"), url, "warm-b", "warmup")) {
      LiveLinkClient ca = new LiveLinkClient(a.port(), a.token());
      String sender = ca.register("FreeCAD", "1.0", "Warm-up", "sender", List.of());
      Thread events = new Thread(() -> ca.events(sender, (name, data) -> {}));
      events.setDaemon(true);
      events.start();
      LiveLinkClient cb = new LiveLinkClient(b.port(), b.token());
      FederationBench.Receiver rx = new FederationBench.Receiver(b, cb, "warm.blend");
      while (ca.peers().size() < 2) Thread.sleep(20);
      for (int k = 0; k < n; k++) {
        Map<String, byte[]> blobs = HubBench.documentBlobs(5_000_000 + k * 1000);
        a.awaitSplit();
        b.awaitSplit();
        String doc = "Warm" + k + "x";
        ca.upload(blobs, null);
        ca.publish(FederationBench.scene(doc, new ArrayList<>(blobs.keySet())), List.of(), sender);
        rx.await(":" + doc);
      }
    }
    try (Connection nc = Nats.connect(url)) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      for (String stream : jsm.getStreamNames()) {
        if (stream.toLowerCase(Locale.ROOT).contains("warmup")) jsm.deleteStream(stream);
      }
    }
    System.gc();
  }
}
