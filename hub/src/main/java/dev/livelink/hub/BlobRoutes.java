package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.livelink.model.Ids;
import dev.livelink.store.BlobStore;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobView;
import dev.livelink.wire.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/blobs}: which blobs the hub lacks, and blobs up and down, one at a time or many in a batch. */
final class BlobRoutes {
  /** A batch body holds 72 bytes of framing per blob on top of the blobs: room for 200,000 of them. */
  static final long BATCH_FRAMING_ALLOWANCE = 200_000L * BlobBatch.HEADER;

  private final BlobStore blobs;
  private final long maxBlob;
  private final Federation federation;

  BlobRoutes(BlobStore blobs, Limits limits, Federation federation) {
    this.blobs = blobs;
    this.maxBlob = limits.maxBlob;
    this.federation = federation;
  }

  void missing(Request r) throws IOException {
    ArrayNode a = Json.array();
    blobs.missing(hashes(r)).forEach(a::add);
    r.json(200, Json.object().set("missing", a));
  }

  void put(Request r) throws IOException {
    String hash = r.param("hash");
    if (!Ids.isSha256(hash)) {
      throw new HubException(400, "\"" + hash + "\" is not a lowercase hex SHA-256"); // before reading the body
    }
    boolean created = blobs.put(hash, r.body());
    r.json(created ? 201 : 200, Json.object().put("hash", hash).put("created", created));
  }

  void get(Request r) throws IOException {
    String hash = r.param("hash");
    BlobView b = blobs.view(hash);
    if (b == null) {
      throw new HubException(404, "no blob " + hash);
    }
    b.writeTo(r.stream("application/octet-stream", b.length()));
  }

  /**
   * Many blobs in one request, in the {@link BlobBatch} framing. The batch is checked whole, while it arrives, and
   * stored with one fsync; a bad blob refuses the batch and stores nothing.
   */
  void upload(Request r) throws IOException, InterruptedException {
    BlobStore.Stored s = blobs.receive(r.bodyStream(), r.declaredLength(), r.maxBody(), maxBlob);
    // Until the last byte is in, the sender sets the pace; what comes after is the hub's alone.
    r.timing("body", s.receivedNanos() - r.startedNanos());
    if (!s.fresh().isEmpty()) {
      federation.uploaded(s.fresh());
    }
    ArrayNode stored = Json.array();
    s.hashes().forEach(stored::add);
    r.json(200, Json.object().set("stored", stored));
  }

  /** Many blobs in one response, in the {@link BlobBatch} framing; 404 naming the first blob the hub lacks. */
  void fetch(Request r) throws IOException {
    List<BlobBatch.Part> found = new ArrayList<>();
    long size = 0;
    for (String h : hashes(r)) {
      BlobView b = blobs.view(h); // a first send's blobs, not copied out of the pack in memory
      if (b == null) {
        throw new HubException(404, "no blob " + h);
      }
      found.add(new BlobBatch.Part(h, b));
      size += BlobBatch.frameSize(b.length());
    }
    // Buffered: the response stream writes each call to the socket, and a frame is two calls (its 72-byte header,
    // then a blob of a few KB), so 410 blobs were 820 system calls and as many small packets for the receiver.
    try (OutputStream out = new BufferedOutputStream(r.stream("application/octet-stream", size == 0 ? -1 : size),
        1 << 16)) {
      BlobBatch.Writer w = BlobBatch.writer(out);
      for (BlobBatch.Part p : found) {
        w.write(p.hash(), p.bytes());
      }
    }
  }

  /** The body's {@code hashes}, each checked to be a SHA-256. */
  private static List<String> hashes(Request r) throws IOException {
    List<String> hashes = new ArrayList<>();
    for (JsonNode h : Json.arrayOr(r.jsonBody(), "hashes")) {
      if (!Ids.isSha256(h.asText())) {
        throw new HubException(400, "\"" + h.asText() + "\" is not a lowercase hex SHA-256");
      }
      hashes.add(h.asText());
    }
    return hashes;
  }
}
