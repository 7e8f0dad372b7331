package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livelink.wire.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's server side over plain HTTP: login once, the session's rules, its routes, its event stream, actions. */
class PageApiTest {
  @TempDir Path home;
  TestHub t;
  PageFixture f;
  final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
  String base;

  @BeforeEach
  void start() throws Exception {
    t = new TestHub(home);
    f = new PageFixture(t);
    base = "http://127.0.0.1:" + t.hub.port();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
    t.close();
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String error(HttpResponse<String> r) {
    return Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8)).get("error").asText();
  }

  String box() throws Exception {
    return t.putBlob(PageFixture.cube(1, 0, 0, 0));
  }

  @Test
  void theLoginLinkWorksOnceAndBecomesAStrictHttpOnlyCookie() throws Exception {
    assertThat(post("/v1/page/logins", "{}").statusCode()).isEqualTo(401);
    String url = t.call("POST", "/v1/page/logins", Json.object()).json().get("url").asText();
    assertThat(url).matches("http://127\\.0\\.0\\.1:" + t.hub.port() + "/login\\?once=[0-9a-f]{64}");
    HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location")).hasValue("/");
    assertThat(first.headers().firstValue("Set-Cookie").orElseThrow())
        .matches("livelink-" + t.hub.port() + "=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict");
    HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(again.body()).contains("used already or has expired").contains("livelink open");
    assertThat(get("/login?once=" + "0".repeat(64)).statusCode()).isEqualTo(401);
  }

  @Test
  void withoutASessionThePageRedirectsToLoginAndTheApiAnswers401() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/login");
    HttpResponse<String> login = get("/login");
    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(login.body()).contains("This page opens with a one-time link.");
    for (String path : List.of("/v1/scenes", "/v1/hub/events", "/v1/hub/figures", "/v1/scenes/x/download")) {
      HttpResponse<String> r = get(path, "Cookie", "livelink-" + t.hub.port() + "=" + "0".repeat(64));
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(error(r)).startsWith("missing Authorization: Bearer <token>");
    }
  }

  @Test
  void everyAnswerForbidsInlineScriptsAndOtherOrigins() throws Exception {
    for (String path : List.of("/", "/login", "/static/app.js", "/v1/hub")) {
      String csp = get(path).headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("default-src 'none'", "script-src 'self';", "connect-src 'self'")
          .doesNotContain("unsafe-inline", "unsafe-eval", "http");
    }
    HttpResponse<String> js = get("/static/app.js");
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(get("/static/three/OrbitControls.js").body()).contains("from './three.module.min.js';")
        .doesNotContain("from 'three'");
    assertThat(get("/static/three/three.module.min.js").statusCode()).isEqualTo(200);
    assertThat(get("/static/index.html").statusCode()).isEqualTo(404);
    assertThat(get("/static/three/three.cjs").statusCode()).isEqualTo(404);
    assertThat(get("/static/..").statusCode()).isEqualTo(404);
    assertThat(get("/static/..%2Fhub.json").statusCode()).isEqualTo(401); // no such route: nothing without a token
  }

  @Test
  void theSessionReadsButOnlyThePageItselfMayActWithIt() throws Exception {
    String cookie = f.session();
    String scene = "/v1/scenes/Demo/resend";
    f.publish("Demo", "Demo", List.of(PageFixture.node("Box", "Box", null, box(), 1, 0, 0)));
    assertThat(get("/", "Cookie", cookie).statusCode()).isEqualTo(200);
    assertThat(get("/v1/scenes", "Cookie", cookie).body()).contains("Demo");
    assertThat(get("/v1/scenes", "Cookie", cookie, "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
    // A cross-site page cannot read with it, nor act.
    HttpResponse<String> r = get("/v1/scenes", "Cookie", cookie, "Origin", "http://evil.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(error(r)).isEqualTo("Origin \"http://evil.example\" may not call this hub");
    r = get("/v1/scenes", "Cookie", cookie, "Sec-Fetch-Site", "cross-site");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(error(r)).isEqualTo("a cross-site request may not use the page's session");
    String raw = t.raw("GET /v1/scenes HTTP/1.1\r\nHost: evil.example:" + t.hub.port() + "\r\nCookie: " + cookie);
    assertThat(raw).startsWith("HTTP/1.1 403").doesNotContain("\"Demo\"");
    String body = "{\"peer\": \"" + f.receiver + "\"}";
    r = post(scene, body, "Cookie", cookie, "Origin", base);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(error(r)).isEqualTo("POST with the page's session must carry the X-Livelink-Page header");
    r = post(scene, body, "Cookie", cookie, "X-Livelink-Page", "1");
    assertThat(error(r)).isEqualTo("POST with the page's session must carry the page's Origin");
    assertThat(post(scene, body, "Cookie", cookie, "X-Livelink-Page", "1", "Origin", base).statusCode())
        .isEqualTo(202);
    // The session is the page's: what connectors do still takes the token.
    r = post("/v1/peers", "{\"app\": \"x\"}", "Cookie", cookie, "X-Livelink-Page", "1", "Origin", base);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(get("/v1/peers/" + f.receiver + "/events", "Cookie", cookie).statusCode()).isEqualTo(401);
    assertThat(post("/v1/page/logins", "{}", "Cookie", cookie, "X-Livelink-Page", "1", "Origin", base)
        .statusCode()).isEqualTo(401);
  }

  /** The first events of the hub's stream, read with the session, as "name data" lines. */
  static final class Stream implements AutoCloseable {
    final BufferedReader reader;
    final InputStream in;

    Stream(HttpClient http, String url, String cookie) throws Exception {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      in = r.body();
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next event named {@code name}; others are skipped. The socket's end fails the test. */
    JsonNode next(String name) throws Exception {
      return each(name).get(name);
    }

    /** The next event of each of {@code names}, in whichever order they come; others are skipped. */
    Map<String, JsonNode> each(String... names) throws Exception {
      Map<String, JsonNode> got = new HashMap<>();
      String event = null;
      for (String line; got.size() < names.length && (line = reader.readLine()) != null; ) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && List.of(names).contains(event) && !got.containsKey(event)) {
          got.put(event, Json.parseObject(line.substring(6).getBytes(StandardCharsets.UTF_8)));
        }
      }
      if (got.size() < names.length) {
        throw new AssertionError("the stream ended before events " + List.of(names) + " came; got " + got.keySet());
      }
      return got;
    }

    @Override
    public void close() throws Exception {
      in.close();
    }
  }

  @Test
  void theHubsStreamShowsPeersVersionsAcksAndResendsWithoutBeingAPeer() throws Exception {
    String m = box();
    f.publish("Demo", "Demo", List.of(PageFixture.node("Box", "Box", null, m, 1, 0, 0)));
    assertThat(f.acked.poll(30, TimeUnit.SECONDS)).isEqualTo("Demo 1");
    try (Stream s = new Stream(http, base + "/v1/hub/events", f.session())) {
      JsonNode snap = s.next("snapshot");
      assertThat(snap.get("figures").get("blobs").asInt()).isEqualTo(1);
      assertThat(snap.get("figures").get("storeBytes").asLong()).isPositive();
      assertThat(snap.get("peers")).hasSize(2);
      JsonNode v1 = snap.get("scenes").get(0).get("versions").get(0);
      assertThat(v1.get("version").asInt()).isEqualTo(1);
      assertThat(v1.get("sender").get("app").asText()).isEqualTo("FreeCAD");
      assertThat(v1.get("targets").get(0).get("document").asText()).isEqualTo("shop.blend");
      assertThat(v1.get("acks").get(f.receiver).get("status").asText()).isEqualTo("ok");
      assertThat(v1.get("acks").get(f.receiver).get("ms").asLong()).isNotNegative();
      // The page's stream is no receiver: a publish to everyone goes to the fake Blender only.
      TestHub.Response r = t.call("POST", "/v1/scenes", HubHttpTest.publish(HubHttpTest.scene("Demo", "Box", m)));
      assertThat(r.json().get("targets").toString()).isEqualTo("[\"" + f.receiver + "\"]");
      // The fake Blender may ack before the hub queues the page's version event (Activity#acked): either order.
      Map<String, JsonNode> told = s.each("version", "ack");
      JsonNode version = told.get("version");
      assertThat(version.get("version").asInt()).isEqualTo(2);
      assertThat(version.get("delta").get("changed").asInt()).isEqualTo(1);
      JsonNode ack = told.get("ack");
      assertThat(ack.get("version").asInt()).isEqualTo(2);
      assertThat(ack.get("app").asText()).isEqualTo("Blender");
      assertThat(ack.get("nodes").asInt()).isEqualTo(1);
      assertThat(ack.get("timings").get("build_ms").asDouble()).isEqualTo(11.0);
      String late = f.register("Blender", "4.3.2", "late.blend", "receiver");
      assertThat(s.next("peers").get("peers").toString()).contains("late.blend");
      assertThat(t.call("POST", "/v1/scenes/Demo/resend", Json.object().put("peer", late)).status()).isEqualTo(202);
      JsonNode resend = s.next("resend");
      assertThat(resend.get("peer").asText()).isEqualTo(late);
      assertThat(resend.get("who").get("document").asText()).isEqualTo("late.blend");
      assertThat(resend.get("version").asInt()).isEqualTo(2);
      assertThat(s.next("figures").get("scenes").asInt()).isEqualTo(1);
    }
  }

  @Test
  void resendAndDownloadNameWhatIsWrong() throws Exception {
    f.publish("Demo", "Demo", List.of(PageFixture.node("Box", "Box", null, box(), 1, 0, 0)));
    TestHub.Response r = t.call("POST", "/v1/scenes/Demo/resend", Json.object().put("peer", "nobody"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("no peer \"nobody\" (it may have left)");
    r = t.call("POST", "/v1/scenes/Demo/resend", Json.object().put("peer", f.sender));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("peer \"" + f.sender + "\" is a sender, not a receiver");
    r = t.call("POST", "/v1/scenes/Nope/resend", Json.object().put("peer", f.receiver));
    assertThat(r.json().get("error").asText()).isEqualTo("no scene \"Nope\"");
    r = t.get("/v1/scenes/Demo/download?format=obj");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("download format \"obj\" must be glb or manifest");
    r = t.get("/v1/scenes/Demo/download");
    assertThat(new String(r.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("glTF");
    JsonNode manifest = t.get("/v1/scenes/Demo/download?format=manifest").json();
    assertThat(manifest.get("version").asInt()).isEqualTo(1);
    assertThat(manifest.get("scene").get("nodes").get(0).get("id").asText()).isEqualTo("Box");
    JsonNode figures = t.get("/v1/hub/figures").json();
    assertThat(figures.get("scenes").asInt()).isEqualTo(1);
    assertThat(figures.get("uptimeMs").asLong()).isNotNegative();
  }
}
