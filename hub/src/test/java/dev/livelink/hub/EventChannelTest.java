package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.wire.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventChannelTest {
  final Watchdog watchdog = new Watchdog(Limits.DEFAULTS, () -> false);

  @AfterEach
  void stop() {
    watchdog.close();
  }

  static byte[] version(int v) {
    return EventChannel.frame("version", Json.object().put("scene", "doc").put("version", v));
  }

  @Test
  void theQueueIsBoundedButItsFirstFrameIsAlwaysTaken() {
    EventChannel ch = new EventChannel(100);
    assertThat(ch.offer(new byte[500])).isTrue(); // a hello larger than the bound
    assertThat(ch.offer(new byte[1])).isFalse();
    EventChannel small = new EventChannel(200);
    int taken = 0;
    while (small.offer(version(taken))) {
      taken++;
    }
    assertThat(taken).isEqualTo(200 / version(0).length);
    assertThat(small.queuedBytes()).isLessThanOrEqualTo(200);
  }

  @Test
  void aDroppedPeerGetsOneByeAfterWhatWasWrittenAndNothingOfWhatWaited() throws Exception {
    EventChannel ch = new EventChannel(1 << 20);
    ch.offer(version(1));
    ch.bye("the hub dropped this peer");
    ch.bye("twice");
    ch.offer(version(2));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ch.pump(out, 1000, watchdog.guard());
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(": livelink\n\nevent: bye\ndata: {\"reason\":\"the hub dropped this peer\"}\n\n");
  }

  @Test
  void aNewerPeerListReplacesOneNotYetWritten() throws Exception {
    EventChannel ch = new EventChannel(1 << 20);
    ch.offerPeers(EventChannel.frame("peers", Json.object().put("n", 1)));
    ch.offer(version(1));
    ch.offerPeers(EventChannel.frame("peers", Json.object().put("n", 2)));
    ch.close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ch.pump(out, 1000, watchdog.guard());
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(": livelink\n\nevent: peers\ndata: {\"n\":2}\n\n"
        + "event: version\ndata: {\"scene\":\"doc\",\"version\":1}\n\n");
  }
}
