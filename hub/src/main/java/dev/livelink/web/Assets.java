package dev.livelink.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's files, all from the jar: its own under {@code web/} and three.js from the WebJars jar (Maven Central)
 * under {@code META-INF/resources/webjars/three/<version>/}. No CDN, so the page works with no network and the
 * Content-Security-Policy can forbid every other origin. Files are read once and kept.
 */
public final class Assets {
  /** A file to answer with. */
  public record Asset(byte[] bytes, String contentType) {}

  /**
   * Scripts only from the hub itself, none inline, no eval; data only from the hub; the page cannot be framed or
   * post forms elsewhere. WebGL needs nothing more.
   */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final Pattern PAGE_FILE = Pattern.compile("[a-z0-9-]{1,40}\\.(html|js|css|svg)");
  private static final String WEBJAR = "META-INF/resources/webjars/three/";
  /**
   * The three.js files the page uses, by the name it asks for. OrbitControls imports the bare specifier
   * {@code 'three'}, which a browser resolves only through an import map, an inline script the policy forbids: it is
   * served with the import pointing at the module beside it instead.
   */
  private static final Map<String, String> THREE = Map.of(
      "three.module.min.js", "build/three.module.min.js",
      "three.core.min.js", "build/three.core.min.js",
      "OrbitControls.js", "examples/jsm/controls/OrbitControls.js");

  private final ClassLoader loader = Assets.class.getClassLoader();
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();
  private final String threeVersion;

  public Assets() {
    threeVersion = threeVersion(loader);
  }

  /** The version of three.js in the jar, from the WebJar's own pom.properties. */
  public String threeVersion() {
    return threeVersion;
  }

  /** One of the page's own files, or null when there is no such file. */
  public Asset page(String name) {
    if (!PAGE_FILE.matcher(name).matches()) {
      return null;
    }
    return cache.computeIfAbsent("web/" + name, k -> read(k, contentType(name), false));
  }

  /** One of the three.js files the page uses, or null. */
  public Asset three(String name) {
    String path = THREE.get(name);
    if (path == null) {
      return null;
    }
    return cache.computeIfAbsent(WEBJAR + threeVersion + "/" + path,
        k -> read(k, "text/javascript; charset=utf-8", name.equals("OrbitControls.js")));
  }

  /** The page's HTML file {@code name} with {@code {{message}}} replaced by {@code message}, HTML-escaped. */
  public byte[] html(String name, String message) {
    Asset a = page(name);
    if (a == null) {
      throw new IllegalStateException("the jar has no web/" + name);
    }
    String html = new String(a.bytes(), StandardCharsets.UTF_8).replace("{{message}}", escape(message));
    return html.getBytes(StandardCharsets.UTF_8);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private Asset read(String resource, String type, boolean rewriteThreeImport) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return null; // not cached: computeIfAbsent stores nothing for null
      }
      byte[] b = in.readAllBytes();
      if (rewriteThreeImport) {
        String js = new String(b, StandardCharsets.UTF_8);
        String fixed = js.replace("from 'three';", "from './three.module.min.js';");
        if (fixed.equals(js)) {
          throw new IllegalStateException(resource + " no longer imports from 'three'; update Assets");
        }
        b = fixed.getBytes(StandardCharsets.UTF_8);
      }
      return new Asset(b, type);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource + " from the jar", e);
    }
  }

  private static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> "application/octet-stream";
    };
  }

  private static String threeVersion(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/three/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("three.js is missing from the jar (the WebJar org.webjars.npm:three)");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read three.js's version from the jar", e);
    }
  }
}
