package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.NKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub joins a space that requires a token, an nkey, or TLS with client certificates; without them it cannot. */
class FederationSecurityTest {
  @TempDir Path tmp;

  static FederationConfig config(String url, Path token, Path nkey, Path ca, Path cert, Path key) {
    return new FederationConfig(FederationConfig.parseServers(url), "secure", token, nkey, ca, cert, key, false,
        "machine", 1, Duration.ofSeconds(6));
  }

  @Test
  void tokenAuthentication() throws Exception {
    Path token = NatsServer.write(tmp.resolve("token"), "s3cret-token\n");
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"), "--auth", "s3cret-token");
        FedHub good = new FedHub(tmp.resolve("good"), config(nats.url(), token, null, null, null, null));
        FedHub bad = new FedHub(tmp.resolve("bad"), config(nats.url(), null, null, null, null, null))) {
      good.awaitFederation(f -> f.path("ready").asBoolean());
      bad.awaitFederation(f -> f.path("lastError").asText().toLowerCase().contains("authorization"));
      assertThat(bad.federation().path("ready").asBoolean()).isFalse();
    }
  }

  @Test
  void nkeyAuthentication() throws Exception {
    NKey user = NKey.createUser(new SecureRandom());
    Path seed = NatsServer.write(tmp.resolve("user.nk"), new String(user.getSeed()) + "\n");
    Path conf = NatsServer.write(tmp.resolve("nats.conf"), "authorization { users = [ { nkey: \""
        + new String(user.getPublicKey()) + "\" } ] }\n");
    NKey other = NKey.createUser(new SecureRandom());
    Path otherSeed = NatsServer.write(tmp.resolve("other.nk"), new String(other.getSeed()));
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"), "-c", conf.toString());
        FedHub good = new FedHub(tmp.resolve("good"), config(nats.url(), null, seed, null, null, null));
        FedHub bad = new FedHub(tmp.resolve("bad"), config(nats.url(), null, otherSeed, null, null, null))) {
      good.awaitFederation(f -> f.path("ready").asBoolean());
      bad.awaitFederation(f -> f.path("lastError").asText().toLowerCase().contains("authorization"));
      assertThat(bad.federation().path("ready").asBoolean()).isFalse();
    }
  }

  @Test
  void mutualTls() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("pki"));
    openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=livelink test CA");
    NatsServer.write(d.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    for (String who : List.of("server", "client")) {
      openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj",
          "/CN=" + who);
      openssl(d, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-out", who + ".pem", "-days", "2", "-extfile", "ext");
    }
    Path conf = NatsServer.write(tmp.resolve("tls.conf"), "tls { cert_file: \"" + d.resolve("server.pem")
        + "\"\n key_file: \"" + d.resolve("server.key") + "\"\n ca_file: \"" + d.resolve("ca.pem")
        + "\"\n verify: true }\n");
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"), "-c", conf.toString());
        FedHub good = new FedHub(tmp.resolve("good"), config(nats.url(), null, null, d.resolve("ca.pem"),
            d.resolve("client.pem"), d.resolve("client.key")));
        FedHub noCert = new FedHub(tmp.resolve("nocert"), config(nats.url(), null, null, d.resolve("ca.pem"), null,
            null))) {
      assertThat(good.awaitFederation(f -> f.path("ready").asBoolean()).path("tls").asBoolean()).isTrue();
      noCert.awaitFederation(f -> !f.path("lastError").isNull());
      assertThat(noCert.federation().path("ready").asBoolean()).isFalse();
    }
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + new String(out));
    }
  }
}
