package dev.livelink.bench;

import dev.livelink.hub.Hub;
import dev.livelink.model.MeshData;
import dev.livelink.model.Material;
import dev.livelink.model.Node;
import dev.livelink.model.Scene;
import dev.livelink.model.Transform;
import dev.livelink.model.UpAxis;
import dev.livelink.model.Units;
import dev.livelink.sdk.LiveLinkClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hub's page with the 410-part document (HubBench's meshes, 184,500 triangles, 3.5 MB of blobs) in Debian's
 * chromium, headless, WebGL by SwiftShader (no GPU here). Times are the page's own ({@code performance.now()} in
 * viewer.js, read from {@code window.livelinkPage.shown}), not a stopwatch around the browser:
 * <ul>
 *   <li>open: from "View in 3D" (page loaded) to the whole scene drawn (delta, one blob batch, geometry, first
 *       frame finished on the GPU);
 *   <li>edit: a one-part version, from the hub's publish time to the changed part drawn;
 *   <li>hub: the hub's own time for a 410-node publish (Server-Timing), with no page and with the page showing it.
 * </ul>
 * Usage: {@code bench/java-bench PageBench [runs] [screenshot.png]} (default 15 runs; the screenshot shows the
 * page with the document open).
 */
public final class PageBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path home = Files.createTempDirectory("livelink-page-bench-");
    WebDriver driver = null;
    try (Hub hub = Hub.create(home, 0).start()) {
      LiveLinkClient c = new LiveLinkClient(hub.port(), hub.token());
      List<MeshData> meshes = new ArrayList<>();
      for (int i = 0; i < HubBench.NODES; i++) {
        meshes.add(HubBench.grid(i));
      }
      Map<String, byte[]> blobs = LiveLinkClient.blobs(meshes);
      c.upload(blobs, null);
      List<String> hashes = new ArrayList<>(blobs.keySet());
      c.publish(scene(hashes), List.of(), null);

      // The hub's publish time without a page, after warming the JIT.
      for (int i = 0; i < 300; i++) {
        c.publish(scene(hashes), List.of(), null);
      }
      double[] alone = publishTimes(c, hashes, runs);

      driver = chromium();
      driver.get(c.pageLogin());
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120), Duration.ofMillis(5));
      wait.until(d -> d.findElements(By.cssSelector("article.scene[data-scene='doc'] button.view")).size() == 1);
      double[] open = new double[runs + 1];
      for (int r = 0; r <= runs; r++) {
        js(driver, "window.livelinkPage.shown.openMs = null");
        driver.findElement(By.cssSelector("article.scene[data-scene='doc'] button.view")).click();
        wait.until(d -> js(d, "return window.livelinkPage.shown.openMs") != null);
        open[r] = ((Number) js(driver, "return window.livelinkPage.shown.openMs")).doubleValue();
      }
      String status = driver.findElement(By.id("viewer-status")).getText();
      if (args.length > 1) {
        Files.write(Path.of(args[1]), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      }

      // One part changes per version; the page fetches its delta and its one blob and redraws.
      double[] lag = new double[runs];
      for (int r = 0; r < runs; r++) {
        List<String> h = new ArrayList<>(hashes);
        Map<String, byte[]> one = LiveLinkClient.blobs(List.of(HubBench.grid(50_000 + r)));
        c.upload(one, null);
        h.set(7, one.keySet().iterator().next());
        long updates = ((Number) js(driver, "return window.livelinkPage.shown.updates")).longValue();
        c.publish(scene(h), List.of(), null);
        wait.until(d -> ((Number) js(d, "return window.livelinkPage.shown.updates")).longValue() > updates);
        lag[r] = ((Number) js(driver, "return window.livelinkPage.shown.lagMs")).doubleValue();
      }
      // The hub's publish time while the page shows the scene and redraws it on every version.
      double[] withPage = publishTimes(c, hashes, runs);

      System.out.printf("410-part document in the 3D view, %d runs (page's own clock), median%n", runs);
      System.out.printf("open, first (shaders compiled)       %7.1f ms%n", open[0]);
      System.out.printf("open, again                          %7.1f ms   (goal < 1000 ms)%n",
          Stats.median(java.util.Arrays.copyOfRange(open, 1, open.length)));
      System.out.printf("one-part edit, hub has it -> drawn   %7.1f ms   (goal < 100 ms)%n", Stats.median(lag));
      System.out.printf("hub's publish of 410 nodes, no page  %7.2f ms%n", Stats.median(alone));
      System.out.printf("hub's publish, page showing it       %7.2f ms   (goal: page adds < 5 ms)%n",
          Stats.median(withPage));
      System.out.println("page said: " + status);
    } finally {
      if (driver != null) {
        driver.quit();
      }
      try (var s = Files.walk(home)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double[] publishTimes(LiveLinkClient c, List<String> hashes, int runs) {
    double[] out = new double[runs];
    for (int r = 0; r < runs; r++) {
      c.publish(scene(hashes), List.of(), null);
      out[r] = c.lastServerMillis();
    }
    return out;
  }

  /** The 410 parts on a 21 × 20 grid, in millimetres; each version has the same nodes. */
  static Scene scene(List<String> hashes) {
    List<Node> nodes = new ArrayList<>();
    Material red = Material.of("red", 0.8, 0.1, 0.1, 1);
    for (int i = 0; i < hashes.size(); i++) {
      nodes.add(new Node("Part" + i, "Part " + i, null, Transform.translation((i % 21) * 20.0, (i / 21) * 20.0, 0),
          hashes.get(i), List.of(red), true));
    }
    return new Scene("doc", "doc", "bench", Units.MM, UpAxis.Z, nodes);
  }

  static Object js(WebDriver d, String script) {
    return ((JavascriptExecutor) d).executeScript(script);
  }

  static WebDriver chromium() {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--use-gl=swiftshader",
        "--enable-unsafe-swiftshader", "--window-size=1400,900", "--force-device-scale-factor=1");
    return new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), o);
  }
}
