package dev.livelink.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.format.Formats;
import dev.livelink.format.Part;
import dev.livelink.format.SceneBuilder;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.ClientException;
import dev.livelink.sdk.LiveLinkClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads files, publishes them as one scene, and optionally waits for acks: the work of send and watch. */
final class Sender {
  private static final long PROGRESS_OVER = 10L << 20;
  private final LiveLinkClient client;
  private final SendOptions o;
  private final PrintWriter out;
  private final PrintWriter err;

  Sender(LiveLinkClient client, SendOptions o, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.o = o;
    this.out = out;
    this.err = err;
  }

  /** @return true when every receiver acked ok (or acks were not awaited) */
  boolean send() throws IOException {
    Path first = o.files.get(0);
    Units units = Units.parse(o.units != null ? o.units.toLowerCase(Locale.ROOT) : Formats.defaultUnits(first));
    UpAxis up = UpAxis.parse(o.up != null ? o.up : Formats.defaultUp(first));
    List<String> targets = resolveTargets();
    List<List<Part>> parts = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    long bytes = 0;
    for (Path f : o.files) {
      bytes += Files.size(f);
      parts.add(Formats.read(f));
      keys.add(f.getFileName().toString());
    }
    String name = o.scene != null ? o.scene : Formats.stem(first);
    String id = name.replaceAll("[^A-Za-z0-9_.:\\-]", "_");
    SceneBuilder.Built built = SceneBuilder.build(id, name, "livelink-cli", units, up, parts, keys);
    Progress bar = bytes > PROGRESS_OVER ? new Progress(err, "uploading") : null;
    int uploaded = client.upload(built.blobs(), bar == null ? null : bar::update);
    if (bar != null) {
      bar.done();
    }
    JsonNode r = client.publish(built.scene(), targets, null);
    JsonNode d = r.path("delta");
    out.printf("sent %s version %d: %d added, %d changed, %d removed; %d triangles, %d new blob(s), to %d "
            + "receiver(s)%n", name, r.path("version").asInt(), d.path("added").asInt(), d.path("changed").asInt(),
        d.path("removed").asInt(), built.triangles(), uploaded, r.path("targets").size());
    if (!o.await) {
      return true;
    }
    JsonNode acks = client.awaitAcks(id, r.path("version").asInt(), (long) (o.timeout * 1000));
    boolean ok = true;
    for (JsonNode a : acks.path("acks")) {
      boolean good = a.path("status").asText().equals("ok");
      ok &= good;
      out.printf("  %s (%s %s, %s): %s%s%n", a.path("peer").asText(), a.path("app").asText(),
          a.path("appVersion").asText(), a.path("document").asText(), good ? "ok" : "FAILED",
          good ? timing(a.path("timings")) : ": " + a.path("reason").asText());
    }
    for (JsonNode p : acks.path("pending")) {
      ok = false;
      out.printf("  %s: no ack within %.0f s%n", p.asText(), o.timeout);
    }
    return ok;
  }

  private static String timing(JsonNode t) {
    return t.has("total_ms") ? " in " + Math.round(t.get("total_ms").asDouble()) + " ms" : "";
  }

  private List<String> resolveTargets() {
    if (o.to.isEmpty()) {
      return List.of();
    }
    JsonNode peers = client.peers();
    List<String> ids = new ArrayList<>();
    for (String t : o.to) {
      List<String> match = new ArrayList<>();
      for (JsonNode p : peers) {
        if (p.path("id").asText().equals(t)) {
          match = List.of(t);
          break;
        }
        if (p.path("app").asText().equalsIgnoreCase(t)) {
          match.add(p.path("id").asText());
        }
      }
      if (match.isEmpty()) {
        throw new ClientException("no connected peer \"" + t + "\" (see livelink peers)");
      }
      if (match.size() > 1) {
        throw new ClientException("\"" + t + "\" matches " + match.size() + " peers " + match
            + "; name one by id");
      }
      ids.add(match.get(0));
    }
    return ids;
  }
}
