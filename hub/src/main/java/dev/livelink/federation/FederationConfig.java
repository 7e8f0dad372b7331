package dev.livelink.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livelink.runtime.AtomicFiles;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a hub joins a space: the NATS servers, the space, credentials and TLS. Read from {@code hub.conf.json} in the
 * livelink home (so Blender and FreeCAD start the hub the same way) with command-line flags over it; the JSON keys
 * are the flags' names: {@code {"nats": "nats://host:4222", "space": "studio", "nats-token-file": "…"}}.
 *
 * @param servers NATS URLs, several for a cluster
 * @param host this machine's name as other hubs list it
 * @param replicas JetStream replicas of the stream and buckets (3 on a 3-node cluster)
 * @param peersTtl how long a hub's peers stay listed after its last heartbeat
 */
public record FederationConfig(List<URI> servers, String space, Path tokenFile, Path nkeyFile, Path tlsCa,
    Path tlsCert, Path tlsKey, boolean insecure, String host, int replicas, Duration peersTtl) {
  public static final String FILE = "hub.conf.json";
  public static final String DEFAULT_SPACE = "default";
  static final Duration DEFAULT_PEERS_TTL = Duration.ofSeconds(15);
  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public FederationConfig {
    servers = List.copyOf(servers);
    if (servers.isEmpty()) {
      throw new FederationException("no NATS server given (--nats nats://HOST:4222)");
    }
    if (!SPACE.matcher(space).matches()) {
      throw new FederationException("space \"" + space + "\" must be 1-64 of A-Z a-z 0-9 _ -");
    }
    if (tokenFile != null && nkeyFile != null) {
      throw new FederationException("give --nats-token-file or --nats-nkey, not both");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new FederationException("--nats-tls-cert and --nats-tls-key go together");
    }
    if (replicas < 1 || replicas > 5) {
      throw new FederationException("nats-replicas " + replicas + " must be 1 to 5");
    }
    for (URI u : servers) {
      boolean tls = u.getScheme().equals("tls") || tlsCa != null;
      if (!tls && !insecure && !isLoopback(u.getHost())) {
        throw new FederationException("refusing to join space \"" + space + "\" over plain TCP to " + u
            + ", which is not this machine: give --nats-tls-ca (TLS) or --insecure");
      }
    }
  }

  /** Whether TLS is used: a tls:// URL or a CA to check the server against. */
  public boolean tls() {
    return tlsCa != null || servers.stream().anyMatch(u -> u.getScheme().equals("tls"));
  }

  /** The settings given on the command line; null values and false mean "not given". */
  public record Flags(String nats, String space, Path tokenFile, Path nkeyFile, Path tlsCa, Path tlsCert,
      Path tlsKey, boolean insecure) {}

  /**
   * The configuration for a hub in {@code home}: {@code hub.conf.json} if present, the flags over it.
   *
   * @return null when neither names a NATS server (the hub stays on its own)
   * @throws FederationException naming the bad file, key or value
   */
  public static FederationConfig load(Path home, Flags flags) {
    ObjectNode file = readFile(home.resolve(FILE));
    String nats = flags.nats() != null ? flags.nats() : text(file, "nats");
    if (nats == null || nats.isBlank()) {
      return null;
    }
    String space = flags.space() != null ? flags.space() : text(file, "space");
    Path base = home.toAbsolutePath();
    String replicas = text(file, "nats-replicas");
    String ttl = text(file, "peers-ttl-seconds");
    try {
      return new FederationConfig(parseServers(nats), space == null ? DEFAULT_SPACE : space,
          path(flags.tokenFile(), file, "nats-token-file", base), path(flags.nkeyFile(), file, "nats-nkey", base),
          path(flags.tlsCa(), file, "nats-tls-ca", base), path(flags.tlsCert(), file, "nats-tls-cert", base),
          path(flags.tlsKey(), file, "nats-tls-key", base),
          flags.insecure() || file.path("insecure").asBoolean(false),
          text(file, "host") != null ? text(file, "host") : localHostName(),
          replicas == null ? 1 : Integer.parseInt(replicas),
          ttl == null ? DEFAULT_PEERS_TTL : Duration.ofSeconds(Long.parseLong(ttl)));
    } catch (NumberFormatException e) {
      throw new FederationException(home.resolve(FILE) + ": " + e.getMessage() + " is not a whole number");
    }
  }

  /** Comma-separated NATS URLs; {@code host:port} alone means nats://. */
  public static List<URI> parseServers(String list) {
    List<URI> out = new ArrayList<>();
    for (String s : list.split(",")) {
      String t = s.trim();
      String withScheme = t.contains("://") ? t : "nats://" + t;
      URI u;
      try {
        u = new URI(withScheme);
      } catch (URISyntaxException e) {
        throw new FederationException("NATS server \"" + t + "\" is not a URL like nats://host:4222");
      }
      if (u.getHost() == null || !(u.getScheme().equals("nats") || u.getScheme().equals("tls"))) {
        throw new FederationException("NATS server \"" + t + "\" is not a URL like nats://host:4222 or tls://host:4222");
      }
      out.add(u);
    }
    return out;
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.equals("::1") || h.startsWith("127.")) {
      return true;
    }
    return false; // a name is not resolved: what it resolves to can change; only literal loopback counts
  }

  static String localHostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  private static ObjectNode readFile(Path f) {
    try {
      return Json.parseObject(Files.readAllBytes(f));
    } catch (NoSuchFileException e) {
      return Json.object();
    } catch (IOException | RuntimeException e) {
      throw new FederationException("cannot read " + f + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode o, String key) {
    JsonNode n = o.get(key);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Path path(Path flag, JsonNode file, String key, Path base) {
    if (flag != null) {
      return flag.toAbsolutePath();
    }
    String s = text(file, key);
    return s == null ? null : base.resolve(s);
  }

  /** Where the servers are, for the status: the URLs without any user or password in them. */
  public String describe() {
    List<String> s = new ArrayList<>();
    servers.forEach(u -> s.add(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")));
    return String.join(",", s);
  }

  /** This hub's id in the space, made once and kept in the home. */
  public static String hubId(Path home) {
    Path f = home.resolve("federation").resolve("hub-id");
    try {
      String id = Files.readString(f, StandardCharsets.US_ASCII).trim();
      if (id.matches("[0-9a-f]{12}")) {
        return id;
      }
    } catch (NoSuchFileException e) {
      // First start: made below.
    } catch (IOException e) {
      throw new FederationException("cannot read " + f + ": " + e.getMessage(), e);
    }
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    try {
      AtomicFiles.write(f, id.getBytes(StandardCharsets.US_ASCII), true);
    } catch (IOException e) {
      throw new FederationException("cannot write " + f + ": " + e.getMessage(), e);
    }
    return id;
  }
}
