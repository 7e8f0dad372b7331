package dev.livelink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.support.Digester;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object {@link ObjectPut} writes is one jnats's own object store reads back whole, checked against its digest:
 * in one chunk (a pack) and in several (a blob over the message limit), and over an object of the same name.
 */
class ObjectPutTest {
  @TempDir Path tmp;

  @Test
  void jnatsReadsWhatItPutsInOneChunkOrSeveral() throws Exception {
    try (NatsServer nats = new NatsServer(tmp.resolve("nats"));
        Connection c = Nats.connect(nats.url())) {
      c.objectStoreManagement().create(ObjectStoreConfiguration.builder("blobs").build());
      ObjectStore os = c.objectStore("blobs");
      Random r = new Random(7);
      for (int size : new int[] {300_000, 700_001, 256 << 10}) {
        byte[] data = new byte[size];
        r.nextBytes(data);
        String name = "pack-" + size;
        ObjectPut.put(c.jetStream(), c.jetStreamManagement(), "blobs", name, data, 256 << 10);

        ObjectInfo info = os.getInfo(name);
        assertThat(info.getSize()).isEqualTo(size);
        assertThat(info.getChunks()).isEqualTo((size + (256 << 10) - 1) / (256 << 10));
        assertThat(info.getDigest()).isEqualTo(new Digester().update(data).getDigestEntry());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        os.get(name, out); // jnats checks the chunks against the digest
        assertThat(out.toByteArray()).isEqualTo(data);
      }

      byte[] again = new byte[1000];
      r.nextBytes(again);
      ObjectPut.put(c.jetStream(), c.jetStreamManagement(), "blobs", "pack-300000", again, 256 << 10);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      os.get("pack-300000", out);
      assertThat(out.toByteArray()).isEqualTo(again);
      assertThat(os.getList()).hasSize(3); // the info of each name rolled up to its latest
    }
  }
}
