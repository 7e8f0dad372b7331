package dev.livelink.federation;

import io.nats.client.AuthHandler;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Every connection setting in one place: servers, reconnect, credentials (token or nkey) and TLS from PEM files. */
final class NatsOptions {
  private NatsOptions() {}

  static Options build(FederationConfig c, String name, ConnectionListener listener, ErrorListener errors) {
    Options.Builder b = new Options.Builder()
        .servers(c.servers().stream().map(u -> u.toString()).toArray(String[]::new))
        .connectionName(name)
        .connectionListener(listener)
        .errorListener(errors)
        .maxReconnects(-1) // a hub waits for its NATS server however long it is away
        .reconnectWait(Duration.ofMillis(500))
        .connectionTimeout(Duration.ofSeconds(5));
    if (c.tokenFile() != null) {
      b.token(read(c.tokenFile(), "token").trim().toCharArray());
    }
    if (c.nkeyFile() != null) {
      b.authHandler(nkey(read(c.nkeyFile(), "nkey seed").trim(), c.nkeyFile()));
    }
    if (c.tls()) {
      b.sslContext(tls(c));
    }
    return b.build();
  }

  private static String read(Path f, String what) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FederationException("cannot read the NATS " + what + " file " + f + ": " + e.getMessage());
    }
  }

  /** Signs the server's nonce with the user's seed (a file holding {@code SU…}, as nsc or NKey.createUser make). */
  static AuthHandler nkey(String seed, Path file) {
    NKey key;
    char[] id;
    try {
      key = NKey.fromSeed(seed.toCharArray());
      id = key.getPublicKey();
    } catch (IllegalArgumentException | IllegalStateException | GeneralSecurityException | IOException e) {
      throw new FederationException(file + " does not hold an nkey seed (SU…): " + e.getMessage());
    }
    return new AuthHandler() {
      @Override
      public byte[] sign(byte[] nonce) {
        try {
          return key.sign(nonce);
        } catch (GeneralSecurityException | IOException e) {
          throw new IllegalStateException("could not sign with the nkey of " + file + ": " + e.getMessage(), e);
        }
      }

      @Override
      public char[] getID() {
        return id.clone();
      }

      @Override
      public char[] getJWT() {
        return null;
      }
    };
  }

  /** The server is checked against the CA (else the JDK's); a client certificate and key are offered if given. */
  static SSLContext tls(FederationConfig c) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (c.tlsCa() != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate cert : certificates(c.tlsCa())) {
          trust.setCertificateEntry("ca" + i++, cert);
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (c.tlsCert() != null) {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        char[] none = new char[0];
        keys.setKeyEntry("client", privateKey(c.tlsKey()), none,
            certificates(c.tlsCert()).toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new FederationException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new FederationException(pem + " holds no PEM certificate");
      }
      return certs;
    } catch (GeneralSecurityException e) {
      throw new FederationException(pem + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), RSA or EC, as openssl 3 writes by default. */
  private static PrivateKey privateKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int start = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new FederationException(pem + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with "
          + "openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName());
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(start + 27, end));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new FederationException(pem + " holds a key that is not RSA, EC or Ed25519");
  }
}
