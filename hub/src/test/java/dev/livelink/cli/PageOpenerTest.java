package dev.livelink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livelink.hub.Hub;
import dev.livelink.runtime.RuntimeFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageOpenerTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();

  PageOpener opener(Map<String, String> vars) {
    Map<String, String> v = new HashMap<>(vars);
    v.put("PATH", System.getenv("PATH"));
    return new PageOpener(new Environment(v, dir, "Linux", ProcessRunner.SYSTEM), new PrintWriter(out, true));
  }

  static int status(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A stand-in browser: writes the URL it is given to {@code seen}, or fails. */
  Path browser(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  @Test
  void opensTheBrowserNamedByBrowserOnALinkThatWorksOnce() throws Exception {
    try (Hub hub = Hub.create(dir.resolve("home"), 0).start()) {
      Path seen = dir.resolve("seen");
      Path b = browser("fake-browser", "echo \"$1\" > " + seen);
      assertThat(opener(Map.of("BROWSER", "false:" + b)).open(hub.home(), 0, false)).isZero();
      assertThat(out.toString()).contains("opened the hub's page with " + b + " (http://127.0.0.1:" + hub.port()
          + "/)").doesNotContain("once=");
      String url = Files.readString(seen).trim();
      assertThat(status(url)).isEqualTo(303);
      assertThat(status(url)).isEqualTo(401);
    }
  }

  @Test
  void withNoBrowserToStartItPrintsTheLink() throws Exception {
    try (Hub hub = Hub.create(dir.resolve("home"), 0).start()) {
      assertThat(opener(Map.of()).open(hub.home(), 0, false)).isZero();
      assertThat(out.toString()).startsWith("livelink: no browser to start; open this link, which works once:")
          .contains("http://127.0.0.1:" + hub.port() + "/login?once=");
      out.getBuffer().setLength(0);
      assertThat(opener(Map.of("BROWSER", "/nonexistent/browser")).open(hub.home(), 0, false)).isZero();
      assertThat(out.toString()).contains("no browser to start");
      out.getBuffer().setLength(0);
      assertThat(opener(Map.of("BROWSER", "/nonexistent/browser")).open(hub.home(), 0, true)).isZero();
      assertThat(out.toString().trim()).matches("http://127\\.0\\.0\\.1:" + hub.port() + "/login\\?once=[0-9a-f]{64}");
      assertThat(status(out.toString().trim())).isEqualTo(303);
    }
  }

  @Test
  void startsTheHubWhenNoneRuns() throws Exception {
    Path home = dir.resolve("home");
    long pid = 0;
    try {
      assertThat(opener(Map.of()).open(home, 0, true)).isZero();
      RuntimeFile rf = RuntimeFile.read(home);
      pid = rf.pid();
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(out.toString()).startsWith("livelink: started the hub (log: " + home.resolve("hub.log") + ")");
      String url = out.toString().lines().reduce((a, b) -> b).orElseThrow();
      assertThat(url).startsWith("http://127.0.0.1:" + rf.port() + "/login?once=");
      assertThat(status(url)).isEqualTo(303);
    } finally {
      if (pid != 0) {
        ProcessHandle.of(pid).ifPresent(p -> {
          p.destroy();
          p.onExit().join();
        });
      }
    }
  }
}
