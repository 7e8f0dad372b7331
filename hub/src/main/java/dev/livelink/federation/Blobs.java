package dev.livelink.federation;

import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mesh blobs in the space's Object Store, named by their SHA-256. A hub uploads only what the store lacks and
 * fetches only what its own store lacks; every fetched blob is checked against its name before it is kept, so a
 * blob altered in the object store (or on the way) is refused, never stored.
 */
final class Blobs {
  /** Object Store chunks: well under NATS's 1 MB default message limit, few enough to move 100 MB/s. */
  static final int CHUNK = 256 << 10;

  /** A blob that can never be taken: absent from the object store, or bytes that do not match its hash. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final long maxBlob;
  /** Hashes this hub knows the object store holds (it put or found them), so a one-part edit asks about one. */
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  final AtomicLong uploaded = new AtomicLong();
  final AtomicLong fetched = new AtomicLong();
  final AtomicLong refused = new AtomicLong();

  Blobs(long maxBlob) {
    this.maxBlob = maxBlob;
  }

  /** Puts each blob the object store lacks. @throws FederationException when a blob is no longer on this hub */
  void upload(ObjectStore os, Collection<String> hashes, BlobStore local)
      throws IOException, JetStreamApiException {
    for (String h : hashes) {
      if (present.contains(h)) {
        continue;
      }
      ObjectInfo info = os.getInfo(h);
      if (info == null || info.isDeleted()) {
        byte[] b = local.get(h);
        if (b == null) {
          throw new FederationException("blob " + h + " is no longer on this hub (its versions were dropped)");
        }
        put(os, h, b);
        uploaded.incrementAndGet();
      }
      present.add(h);
    }
  }

  /** Puts one object under {@code name} (a manifest over the message limit). */
  void put(ObjectStore os, String name, byte[] data) throws IOException, JetStreamApiException {
    try {
      os.put(ObjectMeta.builder(name).chunkSize(CHUNK).build(), new ByteArrayInputStream(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * The blob's bytes from the object store, checked against {@code hash}.
   *
   * @throws Refused when it is not there or its bytes do not match (neither changes by retrying)
   * @throws IOException when NATS is unreachable (retry later)
   */
  byte[] fetch(ObjectStore os, String hash) throws Refused, IOException, JetStreamApiException,
      InterruptedException {
    byte[] b = fetch(os, hash, hash, maxBlob);
    present.add(hash);
    return b;
  }

  /** Object {@code name}, of at most {@code max} bytes, checked against {@code hash}. */
  byte[] fetch(ObjectStore os, String name, String hash, long max) throws Refused, IOException,
      JetStreamApiException, InterruptedException {
    ObjectInfo info = os.getInfo(name);
    if (info == null || info.isDeleted()) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " is not in the space's object store");
    }
    if (info.getSize() > max) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " is " + info.getSize() + " bytes, over the limit of " + max);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) info.getSize());
    try {
      os.get(name, out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    } catch (IllegalStateException e) {
      // jnats checks the object's own digest: chunks that do not add up to what its metadata says.
      refused.incrementAndGet();
      throw new Refused("blob " + name + " in the object store is damaged: " + e.getMessage());
    }
    byte[] b = out.toByteArray();
    String actual = Sha256.hex(b);
    if (!actual.equals(hash)) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " from the object store hashes to " + actual + "; refused");
    }
    fetched.incrementAndGet();
    return b;
  }
}
