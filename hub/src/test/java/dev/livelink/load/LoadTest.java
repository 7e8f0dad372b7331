package dev.livelink.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.hub.Hub;
import dev.livelink.hub.Limits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load scenario of docs/reliability.md, short: 1,000 half-open connections, 200 event streams of which 20 are
 * never read, 50 peers registering and leaving in a loop, 10 senders publishing for 20 s (set
 * {@code -Dlivelink.load.seconds} for longer), against a hub in this JVM with its default limits. The long run is
 * {@code bench/java-bench HubLoad}, against a hub process of its own.
 */
@Tag("load")
class LoadTest {
  @TempDir Path home;

  @Test
  void aHostileCrowdNeitherStopsDeliveryNorLosesAnythingAcknowledged() throws Exception {
    Duration publishing = Duration.ofSeconds(Long.getLong("livelink.load.seconds", 20));
    InProcessHub hub = new InProcessHub(home);
    try {
      LoadScenario.Report r = new LoadScenario(LoadScenario.Config.standard(publishing), hub).run();
      System.out.println("load test report\n" + r);
      assertThat(r.versions).isPositive();
      assertThat(r.wellBehavedMissing).as("well-behaved peers that missed a version").isZero();
      assertThat(r.halfOpenCut).as("half-open connections cut by the hub").isEqualTo(r.halfOpenOpened);
      assertThat(r.blobsLost).isZero();
      assertThat(r.blobsLostAfterRestart).isZero();
      assertThat(r.ackRefusals).isZero();
      assertThat(r.acks).isPositive();
      // Request threads, one thread per open event stream, and the hub's own few. Open streams: the 200, and per
      // churner its current one and up to two it closed without a goodbye that the hub notices at its next
      // heartbeats (1 s apart).
      int streams = 200 + 3 * 50;
      assertThat(r.peakThreads).isLessThanOrEqualTo(Limits.DEFAULTS.requestThreads + streams + 16);
      // The hub and the whole crowd share this heap; the bound is far above what is used and far below what
      // unbounded queues took (200 MB for one unread stream).
      assertThat(r.memoryAtEnd).isLessThan(512L << 20);
    } finally {
      hub.stop();
    }
  }

  /** A hub in this JVM: its threads are told by their names, its memory is this JVM's heap after a collection. */
  static final class InProcessHub implements LoadScenario.HubUnderTest {
    private final Path home;
    private Hub hub;

    InProcessHub(Path home) throws Exception {
      this.home = home;
      hub = Hub.create(home, 0).start();
    }

    @Override
    public int port() {
      return hub.port();
    }

    @Override
    public String token() {
      return hub.token();
    }

    @Override
    public int threads() {
      return LoadScenario.hubThreadsInThisJvm().getAsInt();
    }

    @Override
    public long memory() {
      System.gc();
      return LoadScenario.heapInThisJvm().getAsLong();
    }

    @Override
    public String describe() {
      return "threads named livelink-* and the JDK server's; heap used after a collection, hub and crowd together";
    }

    @Override
    public void restart() throws Exception {
      hub.stop();
      hub = Hub.create(home, 0).start();
    }

    void stop() {
      hub.stop();
    }
  }
}
