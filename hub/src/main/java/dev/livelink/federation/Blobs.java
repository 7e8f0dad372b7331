package dev.livelink.federation;

import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import dev.livelink.wire.BlobBatch;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mesh blobs in the space's Object Store, named by their SHA-256. A hub uploads only what the store lacks and
 * fetches only what its own store lacks; every fetched blob is checked against its name before it is kept, so a
 * blob altered in the object store (or on the way) is refused, never stored.
 *
 * <p>Each object costs round trips (its info, then its chunks), so blobs move {@value #PARALLEL} at a time; an object
 * of one chunk (most meshes) is read with one direct get of its chunk instead of a consumer per object.
 */
final class Blobs implements AutoCloseable {
  /** Object Store chunks: well under NATS's 1 MB default message limit. */
  static final int CHUNK = 256 << 10;
  static final int PARALLEL = 8;

  /** A blob that can never be taken: absent from the object store, or bytes that do not match its hash. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final long maxBlob;
  /** Hashes this hub knows the object store holds (it put or found them), so a one-part edit asks about one. */
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
    Thread t = new Thread(r, "livelink-nats-blobs");
    t.setDaemon(true);
    return t;
  });
  final AtomicLong uploaded = new AtomicLong();
  final AtomicLong fetched = new AtomicLong();
  final AtomicLong refused = new AtomicLong();

  Blobs(long maxBlob) {
    this.maxBlob = maxBlob;
  }

  /** Puts each blob the object store lacks. @throws FederationException when a blob is no longer on this hub */
  void upload(Space s, Collection<String> hashes, BlobStore local) throws IOException, JetStreamApiException,
      InterruptedException {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (String h : hashes) {
      if (!present.contains(h)) {
        tasks.add(() -> {
          ObjectInfo info = s.blobs().getInfo(h);
          if (info == null || info.isDeleted()) {
            byte[] b = local.get(h);
            if (b == null) {
              throw new FederationException("blob " + h + " is no longer on this hub (its versions were dropped)");
            }
            put(s.blobs(), h, b);
            uploaded.incrementAndGet();
          }
          present.add(h);
          return null;
        });
      }
    }
    try {
      all(tasks);
    } catch (Refused e) {
      throw new IllegalStateException("an upload cannot be refused", e);
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

  /** Every blob of {@code hashes} from the object store, each checked against its hash. */
  List<BlobBatch.Frame> fetchAll(Space s, Collection<String> hashes) throws Refused, IOException,
      JetStreamApiException, InterruptedException {
    List<Callable<BlobBatch.Frame>> tasks = new ArrayList<>();
    for (String h : hashes) {
      tasks.add(() -> {
        byte[] b = fetch(s, h, h, maxBlob);
        present.add(h);
        return new BlobBatch.Frame(h, b);
      });
    }
    return all(tasks);
  }

  /**
   * Object {@code name}, of at most {@code max} bytes, checked against {@code hash}.
   *
   * @throws Refused when it is not there or its bytes do not match (neither changes by retrying)
   * @throws IOException when NATS is unreachable (retry later)
   */
  byte[] fetch(Space s, String name, String hash, long max) throws Refused, IOException, JetStreamApiException,
      InterruptedException {
    ObjectInfo info = s.blobs().getInfo(name);
    if (info == null || info.isDeleted()) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " is not in the space's object store");
    }
    if (info.getSize() > max) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " is " + info.getSize() + " bytes, over the limit of " + max);
    }
    byte[] b;
    if (info.getChunks() == 1) {
      // The object store's own layout (ADR-20): chunks on $O.<bucket>.C.<nuid> in stream OBJ_<bucket>.
      b = s.jsm().getLastMessage("OBJ_" + s.blobsBucket(), "$O." + s.blobsBucket() + ".C." + info.getNuid())
          .getData();
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) info.getSize());
      try {
        s.blobs().get(name, out);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      } catch (IllegalStateException e) {
        // jnats checks the object's own digest: chunks that do not add up to what its metadata says.
        refused.incrementAndGet();
        throw new Refused("blob " + name + " in the object store is damaged: " + e.getMessage());
      }
      b = out.toByteArray();
    }
    String actual = Sha256.hex(b);
    if (!actual.equals(hash)) {
      refused.incrementAndGet();
      throw new Refused("blob " + name + " from the object store hashes to " + actual + "; refused");
    }
    fetched.incrementAndGet();
    return b;
  }

  /** Runs the tasks {@value #PARALLEL} at a time; the first failure is thrown as it was. */
  private <T> List<T> all(List<Callable<T>> tasks) throws Refused, IOException, JetStreamApiException,
      InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    tasks.forEach(t -> futures.add(pool.submit(t)));
    List<T> out = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        out.add(f.get());
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof Refused r) throw r;
      if (c instanceof IOException io) throw io;
      if (c instanceof JetStreamApiException j) throw j;
      if (c instanceof RuntimeException r) throw r;
      throw new IllegalStateException(c);
    } finally {
      futures.forEach(f -> f.cancel(true)); // interrupted: none keeps running
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
