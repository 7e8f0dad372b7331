package dev.livelink.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.wire.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Server-Sent Events stream of one peer: events queue up here and the stream's own thread writes them. A
 * comment line goes out when the queue stays empty for a heartbeat interval, so a closed socket is noticed.
 */
final class EventChannel {
  private static final byte[] CLOSE = new byte[0];
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
  private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

  void send(String event, JsonNode data) {
    String frame = "event: " + event + "\ndata: " + new String(Json.bytes(data), StandardCharsets.UTF_8) + "\n\n";
    queue.add(frame.getBytes(StandardCharsets.UTF_8));
  }

  void close() {
    queue.add(CLOSE);
  }

  /** Writes events until {@link #close()} or until the socket fails. */
  void pump(OutputStream out, long heartbeatMillis) throws IOException, InterruptedException {
    out.write(": livelink\n\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    while (true) {
      byte[] frame = queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
      if (frame == CLOSE) {
        return;
      }
      out.write(frame == null ? PING : frame);
      // Drain what queued meanwhile before one flush: a publish to many nodes is one TCP write.
      byte[] more;
      while ((more = queue.peek()) != null && more != CLOSE) {
        out.write(queue.poll());
      }
      out.flush();
    }
  }
}
