package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.model.MeshBlob;
import dev.livelink.model.MeshData;
import dev.livelink.model.Sha256;
import dev.livelink.sdk.LiveLinkClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubStopTest {
  private static final Duration WATCHDOG = Duration.ofSeconds(30);

  @TempDir Path home;

  /** Opens a raw HTTP/1.1 request on the hub: headers and {@code body} written, the socket left open. */
  private static Socket request(Hub hub, String head, byte[] body) throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), hub.port());
    s.setSoTimeout((int) WATCHDOG.toMillis());
    OutputStream out = s.getOutputStream();
    out.write((head + "Host: 127.0.0.1:" + hub.port() + "\r\nAuthorization: Bearer " + hub.token() + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return s;
  }

  @Test
  void aStoppingHubAnswersWhatItIsAnsweringAndEndsTheEventStreams() throws Exception {
    try (TestHub t = new TestHub(home)) {
      Hub hub = t.hub;
      String peer = new LiveLinkClient(hub.port(), hub.token()).register("Blender", "4.3", "a.blend", "receiver", List.of("livelink-mesh"));
      try (Socket events = request(hub, "GET /v1/peers/" + peer + "/events HTTP/1.1\r\n", new byte[0])) {
        BufferedReader stream = new BufferedReader(new InputStreamReader(events.getInputStream(),
            StandardCharsets.UTF_8));
        assertThat(stream.readLine()).isEqualTo("HTTP/1.1 200 OK"); // the stream is open
        byte[] blob = MeshBlob.encode(new MeshData(new float[9], new int[] {0, 1, 2}, null, null));
        int half = blob.length / 2;
        try (Socket upload = request(hub, "PUT /v1/blobs/" + Sha256.hex(blob) + " HTTP/1.1\r\nContent-Length: "
            + blob.length + "\r\n", java.util.Arrays.copyOf(blob, half))) {
          long deadline = System.nanoTime() + WATCHDOG.toNanos();
          while (hub.sends() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the handler has the request: its body is half in
          }
          CompletableFuture<Void> stopped = CompletableFuture.runAsync(hub::stop);
          // The event stream says bye first: the hub is stopping while the upload is still being answered.
          for (String line; (line = stream.readLine()) != null && !line.equals("event: bye"); ) {
            // its events until then
          }
          upload.getOutputStream().write(blob, half, blob.length - half);
          upload.getOutputStream().flush();
          String status = new BufferedReader(new InputStreamReader(upload.getInputStream(),
              StandardCharsets.US_ASCII)).readLine();
          assertThat(status).isEqualTo("HTTP/1.1 201 Created");
          stopped.get(WATCHDOG.toSeconds(), TimeUnit.SECONDS);
        }
      }
    }
  }
}
