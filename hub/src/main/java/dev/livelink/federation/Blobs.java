package dev.livelink.federation;

import dev.livelink.model.Sha256;
import dev.livelink.store.BlobStore;
import dev.livelink.wire.BlobBatch;
import dev.livelink.wire.BlobView;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mesh blobs between hubs, in <em>packs</em>: objects of the space's Object Store named {@code pack-<sha256 of the
 * hashes of its blobs>}, each in the blob batch framing of docs/protocol.md (per blob: its hash, its length, its
 * bytes). A version's new blobs go out as a few packs of up to one NATS message each (a blob larger than that alone
 * in a pack of its own, in chunks), and the version message names, for each blob, the pack holding it. Each object
 * costs round trips (its info, then its chunks): 410 blobs of 8.5 KB as 410 objects moved at 2.7 MB/s, as four packs
 * they move at the speed of the bytes.
 *
 * <p>A hub uploads only the blobs it knows no pack for, fetches only the packs holding blobs its store lacks, and
 * checks every blob it takes against its hash before it is stored: an altered blob is refused, never stored.
 *
 * <p>The new blobs of an edit, when they are small ({@value #INLINE_MAX} bytes in all), also travel inline after the
 * manifest in the version's own message, so that a one-part edit is one message; their pack is put too, for the
 * versions after it and for hubs that catch up later.
 */
final class Blobs implements AutoCloseable {
  /** Chunks of a manifest object (a manifest over the message limit). */
  static final int CHUNK = 256 << 10;
  /** Packs put or fetched at a time. */
  static final int PARALLEL = 8;
  /** New blobs of a version up to this size in all (frames included) travel inline in its message. */
  static final int INLINE_MAX = 64 << 10;
  /**
   * Pack of each blob this hub put or took, the latest ones (about 160 bytes each): 50 documents of 400 parts. A
   * blob forgotten is put again in a pack of its own, once.
   */
  private static final int LOCATIONS = 20_000;

  /** A blob that can never be taken: absent from the object store, or bytes that do not match its hash. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  /** A pack made here: its object name, its bytes, the blobs in it. */
  record NewPack(String name, byte[] data, List<String> hashes) {
    /**
     * Named by its blobs' hashes in order, which fix its bytes: hashing 410 hashes instead of the 3.5 MB they name
     * takes ~2 ms off a first send's way out (the object store's own digest still covers the bytes).
     */
    static NewPack of(List<BlobBatch.Part> parts) {
      byte[] data = BlobBatch.encodeParts(parts);
      List<String> hashes = parts.stream().map(BlobBatch.Part::hash).toList();
      byte[] names = String.join("", hashes).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      return new NewPack("pack-" + Sha256.hex(names), data, hashes);
    }

    VersionMessage.Pack ref() {
      return new VersionMessage.Pack(name, hashes);
    }
  }

  /**
   * How a version's blobs go out: the pack of every blob, the new packs to put before the version, and the new blobs
   * that travel inline (null when none or too many).
   */
  record Plan(List<VersionMessage.Pack> packs, List<NewPack> fresh, NewPack inline) {}

  private final long maxBlob;
  private final Map<String, String> located = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > LOCATIONS;
    }
  };
  private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
    Thread t = new Thread(r, "livelink-nats-blobs");
    t.setDaemon(true);
    return t;
  });
  final AtomicLong uploaded = new AtomicLong();
  final AtomicLong fetched = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong packsUploaded = new AtomicLong();
  final AtomicLong packsFetched = new AtomicLong();

  Blobs(long maxBlob) {
    this.maxBlob = maxBlob;
  }

  private String locate(String hash) {
    synchronized (located) {
      return located.get(hash);
    }
  }

  private void locate(Collection<String> hashes, String pack) {
    synchronized (located) {
      hashes.forEach(h -> located.put(h, pack));
    }
  }

  // ---- out -------------------------------------------------------------------------------------------------------

  /**
   * Packs the blobs of {@code m} that no known pack holds, read from this hub's store, in packs of at most
   * {@code packBytes}; no network.
   *
   * @throws FederationException when a blob is no longer on this hub
   */
  Plan plan(VersionMessage m, BlobStore local, int packBytes) {
    return plan(m.blobs(), local, packBytes);
  }

  /** {@link #plan(VersionMessage, BlobStore, int)} for these blobs. */
  Plan plan(Collection<String> blobs, BlobStore local, int packBytes) {
    Map<String, List<String>> known = new LinkedHashMap<>();
    List<BlobBatch.Part> fresh = new ArrayList<>();
    long freshBytes = 0;
    for (String h : new LinkedHashSet<>(blobs)) {
      String pack = locate(h);
      if (pack != null) {
        known.computeIfAbsent(pack, k -> new ArrayList<>()).add(h);
        continue;
      }
      BlobView b = local.view(h); // copied once, into its pack
      if (b == null) {
        throw new FederationException("blob " + h + " is no longer on this hub (its versions were dropped)");
      }
      fresh.add(new BlobBatch.Part(h, b));
      freshBytes += BlobBatch.frameSize(b.length());
    }
    List<VersionMessage.Pack> packs = new ArrayList<>();
    known.forEach((name, hashes) -> packs.add(new VersionMessage.Pack(name, List.copyOf(hashes))));
    if (fresh.isEmpty()) {
      return new Plan(packs, List.of(), null);
    }
    if (freshBytes <= INLINE_MAX) {
      NewPack inline = NewPack.of(fresh);
      packs.add(inline.ref());
      return new Plan(packs, List.of(), inline);
    }
    // Packs of about equal size, each at most packBytes: no small last pack, which other hubs would not take ahead
    // (see Prefetch) and would fetch.
    long target = freshBytes / ((freshBytes + packBytes - 1) / packBytes);
    List<NewPack> made = new ArrayList<>();
    List<BlobBatch.Part> current = new ArrayList<>();
    long size = 0;
    for (BlobBatch.Part f : fresh) {
      long s = BlobBatch.frameSize(f.bytes().length());
      if (!current.isEmpty() && (size + s > packBytes || size >= target)) {
        made.add(NewPack.of(current));
        current = new ArrayList<>();
        size = 0;
      }
      current.add(f);
      size += s;
    }
    made.add(NewPack.of(current));
    made.forEach(p -> packs.add(p.ref()));
    return new Plan(packs, made, null);
  }

  /** Puts packs, {@value #PARALLEL} at a time, in chunks of {@code chunkBytes}; their blobs are then located. */
  void put(Space s, List<NewPack> packs) throws IOException, JetStreamApiException, InterruptedException {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (NewPack p : packs) {
      tasks.add(() -> {
        ObjectPut.put(s, p.name(), p.data(), s.packBytes());
        return null;
      });
    }
    try {
      all(tasks);
    } catch (Refused e) {
      throw new IllegalStateException("an upload cannot be refused", e);
    }
    locate(packs);
    for (NewPack p : packs) {
      uploaded.addAndGet(p.hashes().size());
      packsUploaded.incrementAndGet();
    }
  }

  /** The blobs of these packs are in the object store now: later versions name the packs instead. */
  void locate(List<NewPack> packs) {
    packs.forEach(p -> locate(p.hashes(), p.name()));
  }

  // ---- in --------------------------------------------------------------------------------------------------------

  /**
   * The blobs of {@code missing}: from {@code inline} (the blobs that came in the version's message, or null) and
   * from the packs the version names, each checked against its hash. Only packs holding a missing blob are fetched.
   *
   * @throws Refused when a blob is in no pack, its pack is gone, or its bytes do not match its hash
   * @throws IOException when NATS is unreachable (retry later)
   */
  List<BlobBatch.Frame> fetch(Space s, VersionMessage m, byte[] inline, Collection<String> missing)
      throws Refused, IOException, JetStreamApiException, InterruptedException {
    Set<String> want = new LinkedHashSet<>(missing);
    Map<String, byte[]> got = new HashMap<>();
    if (inline != null) {
      take(inline, "the version's message", want, got, null);
    }
    Map<String, String> packOf = m.packOf();
    Map<String, Set<String>> byPack = new LinkedHashMap<>();
    List<String> loose = new ArrayList<>();
    for (String h : want) {
      if (!got.containsKey(h)) {
        String p = packOf.get(h);
        if (p == null) {
          loose.add(h); // a hub of the first federation release: one object per blob, named by its hash
        } else {
          byPack.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(h);
        }
      }
    }
    List<Callable<Map<String, byte[]>>> tasks = new ArrayList<>();
    byPack.forEach((pack, hashes) -> tasks.add(() -> {
      byte[] data = object(s, pack, maxBlob + BlobBatch.HEADER, "pack " + pack + " holding blob "
          + hashes.iterator().next());
      packsFetched.incrementAndGet();
      Map<String, byte[]> out = new HashMap<>();
      take(data, "pack " + pack, hashes, out, pack);
      for (String h : hashes) {
        if (!out.containsKey(h)) {
          refused.incrementAndGet();
          throw new Refused("blob " + h + " is not in pack " + pack + " as the version says");
        }
      }
      return out;
    }));
    for (String h : loose) {
      tasks.add(() -> {
        byte[] b = object(s, h, maxBlob, "blob " + h);
        check(h, b, "the object store");
        return Map.of(h, b);
      });
    }
    all(tasks).forEach(got::putAll);
    List<BlobBatch.Frame> frames = new ArrayList<>();
    for (String h : want) {
      frames.add(new BlobBatch.Frame(h, got.get(h)));
    }
    fetched.addAndGet(frames.size());
    return frames;
  }

  /** Takes the blobs of {@code want} out of a pack, each checked against its hash; located in {@code pack}. */
  private void take(byte[] data, String what, Set<String> want, Map<String, byte[]> into, String pack)
      throws Refused {
    BlobBatch.Reader r = BlobBatch.reader(new ByteArrayInputStream(data), data.length);
    List<String> taken = new ArrayList<>();
    try {
      for (BlobBatch.Frame f; (f = r.next()) != null; ) {
        if (want.contains(f.hash()) && !into.containsKey(f.hash())) {
          check(f.hash(), f.data(), what);
          into.put(f.hash(), f.data());
          taken.add(f.hash());
        }
      }
    } catch (IOException e) { // BlobBatchException: the framing is wrong
      refused.incrementAndGet();
      throw new Refused(what + " is not a blob pack: " + e.getMessage());
    }
    if (pack != null) {
      locate(taken, pack);
    }
  }

  private void check(String hash, byte[] data, String from) throws Refused {
    String actual = Sha256.hex(data);
    if (!actual.equals(hash)) {
      refused.incrementAndGet();
      throw new Refused("blob " + hash + " from " + from + " hashes to " + actual + "; refused");
    }
  }

  /** A manifest over the message limit, from the object store, checked against {@code hash}. */
  byte[] manifest(Space s, String name, String hash, long max) throws Refused, IOException, JetStreamApiException,
      InterruptedException {
    byte[] b = object(s, name, max, "manifest " + name);
    String actual = Sha256.hex(b);
    if (!actual.equals(hash)) {
      refused.incrementAndGet();
      throw new Refused("manifest " + name + " from the object store hashes to " + actual + "; refused");
    }
    return b;
  }

  /**
   * Object {@code name} of at most {@code max} bytes; {@code what} names it in errors.
   *
   * @throws Refused when it is not there or is damaged (neither changes by retrying)
   * @throws IOException when NATS is unreachable (retry later)
   */
  private byte[] object(Space s, String name, long max, String what) throws Refused, IOException,
      JetStreamApiException, InterruptedException {
    ObjectInfo info = s.blobs().getInfo(name);
    if (info == null || info.isDeleted()) {
      refused.incrementAndGet();
      throw new Refused(what + " is not in the space's object store");
    }
    if (info.getSize() > max) {
      refused.incrementAndGet();
      throw new Refused(what + " is " + info.getSize() + " bytes, over the limit of " + max);
    }
    if (info.getChunks() == 1) {
      // The object store's own layout (ADR-20): chunks on $O.<bucket>.C.<nuid> in stream OBJ_<bucket>; one direct
      // get instead of a consumer per object.
      return s.jsm().getLastMessage("OBJ_" + s.blobsBucket(), "$O." + s.blobsBucket() + ".C." + info.getNuid())
          .getData();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) info.getSize());
    try {
      s.blobs().get(name, out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    } catch (IllegalStateException e) {
      // jnats checks the object's own digest: chunks that do not add up to what its metadata says.
      refused.incrementAndGet();
      throw new Refused(what + " in the object store is damaged: " + e.getMessage());
    }
    return out.toByteArray();
  }

  /** Runs the tasks {@value #PARALLEL} at a time; the first failure is thrown as it was. */
  private <T> List<T> all(List<Callable<T>> tasks) throws Refused, IOException, JetStreamApiException,
      InterruptedException {
    if (tasks.size() == 1) {
      try {
        return java.util.Collections.singletonList(tasks.get(0).call()); // on this thread: no hand-over
      } catch (Refused | IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    List<Future<T>> futures = new ArrayList<>();
    tasks.forEach(t -> futures.add(pool.submit(t)));
    List<T> out = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        out.add(f.get());
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Refused r) throw r;
      if (c instanceof IOException io) throw io;
      if (c instanceof JetStreamApiException j) throw j;
      if (c instanceof RuntimeException r) throw r;
      throw new IllegalStateException(c);
    } finally {
      futures.forEach(f -> f.cancel(true)); // interrupted or failed: none keeps running
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
