package dev.livelink.hub;

import dev.livelink.runtime.RuntimeFile;
import dev.livelink.web.Assets;
import dev.livelink.web.Sessions;
import dev.livelink.wire.Json;
import java.io.IOException;

/**
 * The hub's page: the one-time login that trades a code for a session cookie, the page itself, and its files. The
 * page reads everything else through {@code /v1}, as connectors do (see docs/protocol.md, "The hub's page").
 */
final class PageRoutes {
  /** The header a state-changing request made with the session cookie must carry: a cross-site form cannot. */
  static final String PAGE_HEADER = "X-Livelink-Page";

  private final RuntimeFile runtime;
  private final Sessions sessions;
  private final Assets assets;
  private final String cookie;

  PageRoutes(RuntimeFile runtime, Sessions sessions, Assets assets) {
    this.runtime = runtime;
    this.sessions = sessions;
    this.assets = assets;
    // Cookies are per host, not per port: two hubs on one machine (two homes) keep a session each.
    this.cookie = "livelink-" + runtime.port();
  }

  /** The session cookie's name. */
  String cookieName() {
    return cookie;
  }

  /** {@code POST /v1/page/logins} (token only): a one-time login URL for {@code livelink open}. */
  void newLogin(Request r) throws IOException {
    String url = "http://127.0.0.1:" + runtime.port() + "/login?once=" + sessions.newLogin();
    r.json(201, Json.object().put("url", url).put("expiresInSeconds", Sessions.LOGIN_VALIDITY.toSeconds()));
  }

  /**
   * {@code GET /login?once=…}: a good code becomes a session cookie and a redirect to the page, so the address bar
   * no longer holds a secret; a used, expired or missing code gets the login page, which says what to run.
   */
  void login(Request r) throws IOException {
    String once = r.query().get("once");
    String session = sessions.redeem(once);
    r.header("Cache-Control", "no-store");
    if (session != null) {
      r.header("Set-Cookie", cookie + "=" + session + "; Path=/; HttpOnly; SameSite=Strict");
      r.redirect("/");
      return;
    }
    String why = once == null || once.isEmpty() ? "This page opens with a one-time link."
        : "This login link was used already or has expired: each one works once.";
    r.send(401, "text/html; charset=utf-8", assets.html("login.html", why));
  }

  /** A page route without a session: to the login page. */
  void toLogin(Request r) throws IOException {
    r.header("Cache-Control", "no-store");
    r.redirect("/login");
  }

  /** {@code GET /}: the page. */
  void index(Request r) throws IOException {
    Assets.Asset a = assets.page("index.html");
    r.header("Cache-Control", "no-store");
    r.send(200, a.contentType(), a.bytes());
  }

  /** {@code GET /static/{file}}: the page's scripts and style (no data: served without a session). */
  void file(Request r) throws IOException {
    String name = r.param("file");
    Assets.Asset a = name.endsWith(".html") ? null : assets.page(name);
    if (a == null) {
      throw new HubException(404, "no file \"" + name + "\"");
    }
    r.header("Cache-Control", "no-cache");
    r.send(200, a.contentType(), a.bytes());
  }

  /** {@code GET /static/three/{file}}: three.js from the jar. */
  void three(Request r) throws IOException {
    String name = r.param("file");
    Assets.Asset a = assets.three(name);
    if (a == null) {
      throw new HubException(404, "no three.js file \"" + name + "\"");
    }
    r.header("Cache-Control", "no-cache");
    r.send(200, a.contentType(), a.bytes());
  }

  /** True when the request carries a live session cookie. */
  boolean hasSession(String cookieHeader) {
    return sessions.isSession(Sessions.cookie(cookieHeader, cookie));
  }
}
