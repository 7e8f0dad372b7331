package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.wire.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions waiting to go out: kept in order across a restart of the hub, whatever wrote them. */
class OutboxTest {
  @TempDir Path tmp;

  /** Version {@code n} of a scene "Doc", as a publish puts it in the outbox. */
  static VersionMessage version(int n) {
    return new VersionMessage("0a1b2c3d4e5f", "machine-a", Json.object().put("id", "Doc"), n, "freecad-1", null,
        List.of("ab".repeat(32)), List.of(), Json.object(), 0);
  }

  @Test
  void whatWaitsIsThereAgainAfterARestartInOrder() {
    Outbox o = new Outbox(tmp);
    o.add(version(1));
    o.add(version(2));
    o.secure(o.peek()); // the second is fsync'd, as the sending thread does while the first goes out
    Outbox again = new Outbox(tmp);
    assertThat(again.size()).isEqualTo(2);
    assertThat(again.peek().message().version()).isEqualTo(1);
    again.remove(again.peek());
    assertThat(new Outbox(tmp).peek().message().version()).isEqualTo(2);
    again.add(version(3));
    assertThat(again.size()).isEqualTo(2);
  }

  @Test
  void anEntryTheFirstReleaseWroteGzippedIsRead() throws Exception {
    Files.write(tmp.resolve("0000000000000000007.msg"), version(7).encode());
    Outbox o = new Outbox(tmp);
    assertThat(o.peek().message().version()).isEqualTo(7);
    o.add(version(8));
    assertThat(tmp.resolve("0000000000000000008.msg")).exists();
  }

  @Test
  void anUnreadableEntryIsDroppedAndTheOthersStay() throws Exception {
    Files.write(tmp.resolve("0000000000000000001.msg"), "{\"cut".getBytes());
    Files.write(tmp.resolve("0000000000000000002.msg"), version(2).json());
    Outbox o = new Outbox(tmp);
    assertThat(o.size()).isEqualTo(1);
    assertThat(o.peek().message().version()).isEqualTo(2);
    assertThat(tmp.resolve("0000000000000000001.msg")).doesNotExist();
  }
}
