package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livelink.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings, the plain-TCP rule and the names a space uses on NATS; no server needed. */
class FederationConfigTest {
  @TempDir Path home;

  static FederationConfig.Flags flags(String nats, boolean insecure) {
    return new FederationConfig.Flags(nats, null, null, null, null, null, null, insecure);
  }

  @Test
  void withoutNatsNothingChanges() {
    assertThat(FederationConfig.load(home, flags(null, false))).isNull();
  }

  @Test
  void plainTcpToAnotherMachineIsRefusedUnlessInsecure() {
    assertThatThrownBy(() -> FederationConfig.load(home, flags("nats://10.1.2.3:4222", false)))
        .isInstanceOf(FederationException.class)
        .hasMessage("refusing to join space \"default\" over plain TCP to nats://10.1.2.3:4222, which is not this "
            + "machine: give --nats-tls-ca (TLS) or --insecure");
    assertThat(FederationConfig.load(home, flags("nats://10.1.2.3:4222", true)).insecure()).isTrue();
    assertThat(FederationConfig.load(home, flags("nats://127.0.0.1:4222", false)).space()).isEqualTo("default");
    assertThat(FederationConfig.load(home, flags("tls://studio-nats:4222", false)).tls()).isTrue();
  }

  @Test
  void hubConfJsonHoldsTheSameKeysAndFlagsWin() throws Exception {
    Files.writeString(home.resolve("hub.conf.json"), "{\"nats\": \"nats://localhost:4333\", \"space\": \"studio\", "
        + "\"nats-token-file\": \"token.txt\", \"host\": \"artist-pc\"}");
    FederationConfig c = FederationConfig.load(home, flags(null, false));
    assertThat(c.describe()).isEqualTo("nats://localhost:4333");
    assertThat(c.space()).isEqualTo("studio");
    assertThat(c.tokenFile()).isEqualTo(home.toAbsolutePath().resolve("token.txt"));
    assertThat(c.host()).isEqualTo("artist-pc");
    FederationConfig.Flags f = new FederationConfig.Flags(null, "other", null, null, null, null, null, false);
    assertThat(FederationConfig.load(home, f).space()).isEqualTo("other");
  }

  @Test
  void badSettingsAreNamed() throws Exception {
    assertThatThrownBy(() -> FederationConfig.load(home, new FederationConfig.Flags("nats://127.0.0.1:4222",
        "my space", null, null, null, null, null, false)))
        .hasMessage("space \"my space\" must be 1-64 of A-Z a-z 0-9 _ -");
    assertThatThrownBy(() -> FederationConfig.load(home, flags("http://127.0.0.1:4222", false)))
        .hasMessage("NATS server \"http://127.0.0.1:4222\" is not a URL like nats://host:4222 or tls://host:4222");
    Files.writeString(home.resolve("hub.conf.json"), "{\"nats\": ");
    assertThatThrownBy(() -> FederationConfig.load(home, flags(null, false)))
        .hasMessageStartingWith("cannot read " + home.resolve("hub.conf.json"));
  }

  @Test
  void theHubCommandRefusesPlainTcpToAnotherMachine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), "hub", "--home", home.toString(), "--port", "0",
        "--nats", "nats://192.168.1.20:4222");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).trim()).isEqualTo("livelink: refusing to join space "
        + "\"default\" over plain TCP to nats://192.168.1.20:4222, which is not this machine: give --nats-tls-ca "
        + "(TLS) or --insecure");
    assertThat(home.resolve("hub.json")).doesNotExist();
  }

  @Test
  void aMissingTokenFileStopsTheHubNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path missing = home.resolve("no-such-token");
    int code = Main.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
        StandardCharsets.UTF_8), "hub", "--home", home.toString(), "--port", "0", "--nats", "nats://127.0.0.1:1",
        "--nats-token-file", missing.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("livelink: cannot read the NATS token file "
        + missing);
  }

  @Test
  void sceneIdsBecomeSubjectTokens() {
    assertThat(Subjects.token("Unnamed")).isEqualTo("Unnamed");
    assertThat(Subjects.token("a.b:c")).isEqualTo("a%2Eb:c");
    assertThat(Subjects.token("x*>% y")).isEqualTo("x%2A%3E%25%20y");
    assertThat(Subjects.token("é")).isEqualTo("%C3%A9");
    Subjects s = new Subjects("studio");
    assertThat(s.scene("0a1b2c3d4e5f", "part.v2")).isEqualTo("livelink.studio.scene.0a1b2c3d4e5f.part%2Ev2");
    assertThat(s.stream()).isEqualTo("LIVELINK_studio");
  }
}
