package dev.livelink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hub's page in a real browser (Debian's chromium through chromedriver, WebGL by SwiftShader), against a real
 * hub with real sends: the page lists the peers, the scene and its ack live, draws the red box red, shows a second
 * version without a reload, re-sends and downloads, names a blob that fails to load, and its login link works once.
 *
 * <p>Selenium in the JUnit suite rather than a Node test: the hub, the sends and the receiver are the Java SDK's and
 * the hub's own, in one process; {@code mvn package} (what {@code ./run-tests} and {@code ./livelink} run) builds
 * and tests with nothing but a JDK, Maven and the browser; no second test runner or npm install step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageBrowserTest {
  /** Watchdog for each wait on the page; waits end as soon as their condition holds. */
  private static final Duration WATCHDOG = Duration.ofSeconds(60);

  @TempDir static Path home;
  TestHub t;
  PageFixture f;
  WebDriver driver;
  String base;
  String box;
  String plate;

  /** The Demo scene: an assembly of a box of colour {@code rgb} and a grey plate. */
  List<ObjectNode> demo(double... rgb) {
    return List.of(PageFixture.node("Assembly", "Assembly", null, null),
        PageFixture.node("Box", "Red box", "Assembly", box, rgb),
        PageFixture.node("Plate", "Plate", "Assembly", plate, 0.6, 0.6, 0.6));
  }

  @BeforeAll
  void start() throws Exception {
    t = new TestHub(home);
    f = new PageFixture(t);
    base = "http://127.0.0.1:" + t.hub.port();
    box = t.putBlob(PageFixture.cube(1, 0, 0, 0.5f));
    plate = t.putBlob(PageFixture.cube(1, 2, 0, 0.5f));
    f.publish("Demo", "Demo", demo(1, 0, 0));
    assertThat(f.acked.poll(30, TimeUnit.SECONDS)).isEqualTo("Demo 1");
    driver = chromium();
  }

  static WebDriver chromium() {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    // Headless WebGL on a machine without a GPU: SwiftShader. No sandbox: the tests run as root here and in CI.
    o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--use-gl=swiftshader",
        "--enable-unsafe-swiftshader", "--window-size=1400,900", "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }

  @AfterAll
  void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    f.close();
    t.close();
  }

  private <T> T waitFor(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WATCHDOG, Duration.ofMillis(20))
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Clicks the element {@code css} names; found again if the page redrew it meanwhile. */
  private void click(String css) {
    waitFor(d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  /** The rendered text of the first element matching {@code css}, or "": read in one step, since the page redraws. */
  private String text(String css) {
    Object t = js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css);
    return t == null ? "" : t.toString().trim();
  }

  private BufferedImage screenshot(String name) throws Exception {
    byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Path dir = Path.of("target", "page-screens");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), png);
    return ImageIO.read(new ByteArrayInputStream(png));
  }

  /** The colour drawn at the centre of node {@code id}, from a screenshot. */
  private int[] colourOf(String id, String shot) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Number> p = (Map<String, Number>) js("return window.livelinkPage.project(arguments[0])", id);
    BufferedImage img = screenshot(shot);
    int rgb = img.getRGB((int) Math.round(p.get("x").doubleValue()), (int) Math.round(p.get("y").doubleValue()));
    return new int[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
  }

  @Test
  void thePageShowsTheLinkLiveDrawsTheModelAndActsOnIt() throws Exception {
    String login = f.t.call("POST", "/v1/page/logins", dev.livelink.wire.Json.object()).json().get("url").asText();
    driver.get(login);
    // The code became an HttpOnly, SameSite=Strict cookie, and the address bar no longer holds it.
    waitFor(d -> d.getCurrentUrl().equals(base + "/"));
    Cookie c = driver.manage().getCookieNamed("livelink-" + t.hub.port());
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    waitFor(d -> text("#conn").equals("live"));

    // Peers, the scene, its ack and the send line, from the event stream's snapshot.
    waitFor(d -> text("#peers tbody").contains("shop.blend"));
    assertThat(text("#peers tbody")).contains("Blender 4.3", "FreeCAD 1.0", "Demo", "both", "sender");
    waitFor(d -> text("article.scene[data-scene='Demo'] li.ack.ok").contains("Blender 4.3 (shop.blend): applied in"));
    assertThat(text("article.scene[data-scene='Demo'] .version-line")).contains("v1", "from FreeCAD 1.0 (Demo)",
        "to Blender 4.3 (shop.blend)");
    assertThat(text("article.scene[data-scene='Demo'] li.ack.ok")).contains("fetch", "pickup 4 ms", "build 11 ms");
    assertThat(text("#log")).containsPattern("Sent 3 objects to Blender 4\\.3 \\(shop\\.blend\\): applied in \\d+ ms");
    assertThat(text("#figures")).contains("blob");

    // The 3D view: the red box is drawn red at its projected centre.
    click("article.scene[data-scene='Demo'] button.view");
    waitFor(d -> "ready".equals(d.findElement(By.id("viewer")).getAttribute("data-state")));
    assertThat(text("#viewer-status")).contains("v1", "3 nodes", "24 triangles", "opened in");
    int[] red = colourOf("Box", "page-3d.png");
    assertThat(red[0]).as("red of %s", List.of(red[0], red[1], red[2])).isGreaterThan(100);
    assertThat(red[0]).isGreaterThan(2 * red[1]).isGreaterThan(2 * red[2]);

    // A second version changes only the box, in place: green, and the page was not reloaded.
    js("window.notReloaded = true");
    f.publish("Demo", "Demo", demo(0, 1, 0));
    waitFor(d -> "2".equals(d.findElement(By.id("viewer")).getAttribute("data-version")));
    assertThat(js("return window.notReloaded")).isEqualTo(true);
    assertThat(text("#viewer-status")).contains("v2: 1 node changed", "after the hub had it");
    int[] green = colourOf("Box", "page-3d-v2.png");
    assertThat(green[1]).as("green of %s", List.of(green[0], green[1], green[2])).isGreaterThan(2 * green[0]);
    waitFor(d -> text("article.scene[data-scene='Demo'] li.version[data-version='2'] li.ack.ok").contains("applied"));

    // Clicking the box names it, counts its triangles and says who holds it.
    @SuppressWarnings("unchecked")
    Map<String, Number> p = (Map<String, Number>) js("return window.livelinkPage.project('Box')");
    new Actions(driver).moveToLocation(p.get("x").intValue(), p.get("y").intValue()).click().perform();
    waitFor(d -> text("#pick .held").contains("Blender 4.3 (shop.blend) (v2)"));
    assertThat(text("#pick .node-id")).isEqualTo("Box");
    assertThat(text("#pick .node-name")).isEqualTo("Red box");
    assertThat(text("#pick .node-tris")).isEqualTo("12");
    screenshot("page.png");

    // Re-send the latest version to the receiver: it is told again, and acks again (one more send line).
    int lines = driver.findElements(By.cssSelector("#log li")).size();
    waitFor(d -> {
      new Select(d.findElement(By.cssSelector("article.scene[data-scene='Demo'] select.resend-to")))
          .selectByValue(f.receiver);
      return true;
    });
    click("article.scene[data-scene='Demo'] button.resend");
    waitFor(d -> text("article.scene[data-scene='Demo'] .scene-note").contains("Sent v2 again to Blender 4.3"));
    waitFor(d -> d.findElements(By.cssSelector("#log li")).size() > lines + 1); // the resend's line, then its ack
    waitFor(d -> text("article.scene[data-scene='Demo'] li.resend").contains("sent again to Blender 4.3"));

    // Downloads, through the page's session: glTF binary and the manifest.
    Object glb = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[0];"
        + "fetch(document.querySelector(\"article.scene[data-scene='Demo'] a.download\").href)"
        + ".then(r => r.arrayBuffer()).then(b => done(new TextDecoder().decode(new Uint8Array(b, 0, 4))))");
    assertThat(glb).isEqualTo("glTF");
    Object manifest = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[0];"
        + "fetch(document.querySelectorAll(\"article.scene[data-scene='Demo'] a.download\")[1].href)"
        + ".then(r => r.json()).then(j => done(j.version + ' ' + j.scene.nodes.length))");
    assertThat(manifest).isEqualTo("2 3");

    // A blob that cannot be loaded: the page says which and why.
    String lost = t.putBlob(PageFixture.cube(2, 0, 0, 0));
    f.publish("Broken", "Broken", List.of(PageFixture.node("Lost", "Lost", null, lost, 0.2, 0.2, 0.8)));
    Files.delete(home.resolve("store/blobs").resolve(lost.substring(0, 2)).resolve(lost));
    waitFor(d -> !d.findElements(By.cssSelector("article.scene[data-scene='Broken'] button.view")).isEmpty());
    click("article.scene[data-scene='Broken'] button.view");
    waitFor(d -> "error".equals(d.findElement(By.id("viewer")).getAttribute("data-state")));
    assertThat(text("#viewer-status")).isEqualTo("Could not load Broken: no blob " + lost);

    // Nothing on the page broke the Content-Security-Policy.
    List<LogEntry> log = driver.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(log).noneMatch(e -> e.getMessage().contains("Content Security Policy"));
    assertThat(log).noneMatch(e -> e.getMessage().contains("Uncaught")); // no script error on the way

    // The login link worked once: again, it is refused; without the cookie, no data.
    driver.manage().deleteAllCookies();
    driver.get(login);
    assertThat(text("#why")).contains("used already or has expired");
    driver.get(base + "/");
    waitFor(d -> d.getCurrentUrl().equals(base + "/login"));
    driver.get(base + "/v1/scenes");
    assertThat(driver.getPageSource()).contains("missing Authorization").doesNotContain("Demo");
  }

  @Test
  void theViewIsInMetresZUpWithHierarchyInstancesAndVisibility() throws Exception {
    String leg = t.putBlob(PageFixture.cube(100, 0, 0, 0));
    ObjectNode ghost = PageFixture.node("Ghost", "Ghost", null, leg, 0.5, 0.5, 0.5);
    ghost.put("visible", false);
    // Millimetres, Y up: the frame 1 m along x; one leg 2 m up (y), the other 0.5 m towards the viewer (−z).
    f.publish("Shop", "Shop", "mm", "Y", List.of(
        PageFixture.translated(PageFixture.node("Frame", "Frame", null, null), 1000, 0, 0),
        PageFixture.translated(PageFixture.node("Leg1", "Leg 1", "Frame", leg, 0.3, 0.3, 0.9), 0, 2000, 0),
        PageFixture.translated(PageFixture.node("Leg2", "Leg 2", "Frame", leg, 0.3, 0.3, 0.9), 0, 0, -500),
        ghost));
    driver.manage().deleteAllCookies();
    driver.get(f.t.call("POST", "/v1/page/logins", dev.livelink.wire.Json.object()).json().get("url").asText());
    waitFor(d -> !d.findElements(By.cssSelector("article.scene[data-scene='Shop'] button.view")).isEmpty());
    click("article.scene[data-scene='Shop'] button.view");
    waitFor(d -> "ready".equals(d.findElement(By.id("viewer")).getAttribute("data-state")));
    Map<?, ?> leg1 = (Map<?, ?>) js("return window.livelinkPage.inspect('Leg1')");
    Map<?, ?> leg2 = (Map<?, ?>) js("return window.livelinkPage.inspect('Leg2')");
    assertThat(centre(leg1)).containsExactly(new double[] {1, 0, 2}, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(centre(leg2)).containsExactly(new double[] {1, 0.5, 0}, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(leg1.get("geometry")).isEqualTo(leg2.get("geometry")); // instances share one geometry
    assertThat(((Map<?, ?>) js("return window.livelinkPage.inspect('Ghost')")).get("visible")).isEqualTo(false);
    assertThat(leg1.get("visible")).isEqualTo(true);
  }

  private static double[] centre(Map<?, ?> inspected) {
    return ((List<?>) inspected.get("centre")).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  @Test
  void aPageOpenedBeforeAnySendFillsInLive() throws Exception {
    // The fixture's scenes exist already; a new scene and a new peer appear without a reload.
    driver.manage().deleteAllCookies();
    driver.get(f.t.call("POST", "/v1/page/logins", dev.livelink.wire.Json.object()).json().get("url").asText());
    waitFor(d -> text("#conn").equals("live"));
    js("window.notReloaded = true");
    String later = f.register("Blender", "4.3.2", "later.blend", "receiver");
    try (TestHub.Events e = t.events(later)) {
      waitFor(d -> text("#peers tbody").contains("later.blend"));
      String m = t.putBlob(PageFixture.cube(1, 2, 0, 0));
      ObjectNode n = PageFixture.node("Cube", "Cube", null, m, 0.8, 0.8, 0.8);
      f.publish("Fresh", "Fresh", List.of(n));
      waitFor(d -> text("article.scene[data-scene='Fresh'] .version-line").contains("later.blend"));
      // A receiver that could not apply it: its reason, in the scene and in the send log.
      assertThat(e.next("version")).isNotNull();
      ObjectNode failed = dev.livelink.wire.Json.object().put("peer", later).put("status", "failed")
          .put("reason", "the collection is linked from a library");
      assertThat(t.call("POST", "/v1/scenes/Fresh/versions/1/acks", failed).status()).isEqualTo(204);
      waitFor(d -> text("article.scene[data-scene='Fresh'] li.ack.failed")
          .equals("Blender 4.3 (later.blend): failed — the collection is linked from a library"));
      assertThat(text("#log")).contains(
          "Blender 4.3 (later.blend) could not apply Fresh v1: the collection is linked from a library");
      assertThat(js("return window.notReloaded")).isEqualTo(true);
    }
    waitFor(d -> !text("#peers tbody").contains("later.blend"));
  }
}
