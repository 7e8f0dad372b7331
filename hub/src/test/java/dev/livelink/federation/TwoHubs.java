package dev.livelink.federation;

import java.nio.file.Path;

/**
 * Two hubs on one real nats-server, standing in for two machines ("machine-a", "machine-b"), both joined to the
 * space before a test starts; closed in reverse.
 */
final class TwoHubs implements AutoCloseable {
  final NatsServer nats;
  final FedHub a;
  final FedHub b;

  private TwoHubs(NatsServer nats, FedHub a, FedHub b) {
    this.nats = nats;
    this.a = a;
    this.b = b;
  }

  static TwoHubs start(Path tmp) throws Exception {
    NatsServer nats = new NatsServer(tmp.resolve("nats"));
    FedHub a = null;
    FedHub b = null;
    try {
      a = new FedHub(tmp.resolve("a"), FedHub.config(nats.url(), "machine-a"));
      b = new FedHub(tmp.resolve("b"), FedHub.config(nats.url(), "machine-b"));
      a.awaitFederation(f -> f.path("ready").asBoolean());
      b.awaitFederation(f -> f.path("ready").asBoolean());
      return new TwoHubs(nats, a, b);
    } catch (Exception | AssertionError e) {
      new TwoHubs(nats, a, b).close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (b != null) b.close();
    if (a != null) a.close();
    nats.close();
  }
}
