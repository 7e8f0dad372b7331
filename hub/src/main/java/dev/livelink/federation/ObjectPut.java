package dev.livelink.federation;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.NUID;
import io.nats.client.PurgeOptions;
import io.nats.client.api.ObjectInfo;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.Digester;
import io.nats.client.support.NatsObjectStoreUtil;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Puts an object into the space's Object Store as jnats's {@code ObjectStore.put} lays it out (ADR-20): its chunks
 * on {@code $O.<bucket>.C.<nuid>}, then its info, with the chunk count, size and SHA-256 digest, on
 * {@code $O.<bucket>.M.<name in base64url>} under a rollup header, so any object store client reads it. It publishes
 * straight from the caller's array: jnats's put reads the bytes into a chunk buffer and copies each chunk out of it
 * again, two copies of a first send's 3.5 MB of packs, and as much garbage, on hub A's way out.
 */
final class ObjectPut {
  private ObjectPut() {}

  /** Puts {@code data} under {@code name} in chunks of {@code chunk} bytes; a pack within one chunk is not copied. */
  static void put(Space s, String name, byte[] data, int chunk) throws IOException, JetStreamApiException {
    put(s.js(), s.jsm(), s.blobsBucket(), name, data, chunk);
  }

  /** {@link #put(Space, String, byte[], int)} into {@code bucket}. */
  static void put(JetStream js, JetStreamManagement jsm, String bucket, String name, byte[] data, int chunk)
      throws IOException, JetStreamApiException {
    String nuid = NUID.nextGlobal();
    String chunks = NatsObjectStoreUtil.toChunkPrefix(bucket) + nuid;
    try {
      Digester digest = new Digester();
      int count = 0;
      for (int off = 0; off < data.length; off += chunk) {
        int n = Math.min(chunk, data.length - off);
        digest.update(data, off, n);
        // Synchronously, as jnats does: the info goes only once every chunk is stored.
        js.publish(chunks, n == data.length ? data : Arrays.copyOfRange(data, off, off + n));
        count++;
      }
      ObjectInfo info = ObjectInfo.builder(bucket, name)
          .size(data.length).chunks(count).nuid(nuid).chunkSize(chunk).digest(digest.getDigestEntry()).build();
      js.publish(NatsMessage.builder()
          .subject(NatsObjectStoreUtil.toMetaPrefix(bucket) + NatsObjectStoreUtil.encodeForSubject(name))
          .headers(NatsObjectStoreUtil.getMetaHeaders()).data(info.serialize()).build());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    } catch (IOException | JetStreamApiException e) {
      try {
        jsm.purgeStream(NatsObjectStoreUtil.toStreamName(bucket), PurgeOptions.subject(chunks));
      } catch (IOException | JetStreamApiException again) {
        e.addSuppressed(again); // chunks without an info: no reader finds them (as after a failed jnats put)
      }
      throw e;
    }
  }
}
