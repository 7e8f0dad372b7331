package dev.livelink.federation;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of two hubs on one real nats-server ({@link TwoHubs}), started before each test and closed after it. */
abstract class TwoHubsTest {
  @TempDir Path tmp;
  TwoHubs hubs;
  NatsServer nats;
  FedHub a;
  FedHub b;

  @BeforeEach
  void startHubs() throws Exception {
    hubs = TwoHubs.start(tmp);
    nats = hubs.nats;
    a = hubs.a;
    b = hubs.b;
  }

  @AfterEach
  void stopHubs() {
    if (hubs != null) hubs.close();
  }
}
