package dev.livelink.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The page's logins and sessions. {@code livelink open}, holding the token, asks for a one-time login code; the
 * browser trades the code once for a session id, which it keeps in an HttpOnly cookie. Both live in memory only: a
 * hub restart ends every session (the page then says to run {@code livelink open} again).
 *
 * <p>Only the SHA-256 of a code or a session id is kept, and looked up by that hash: how long a lookup takes tells
 * nothing about a valid id. Thread-safe.
 */
public final class Sessions {
  /** How long a login code may wait for its browser; a cold browser start takes seconds, a copied URL longer. */
  public static final Duration LOGIN_VALIDITY = Duration.ofMinutes(5);
  private static final int MAX_LOGINS = 16;
  private static final int MAX_SESSIONS = 64;

  private final SecureRandom random = new SecureRandom();
  private final LongSupplier clockMillis;
  private final long validityMillis;
  /** Hash of an unused login code → when it expires. Oldest first. */
  private final Map<String, Long> logins = new LinkedHashMap<>();
  /** Hashes of session ids, oldest first: past {@link #MAX_SESSIONS} the oldest ends. */
  private final Map<String, Boolean> sessions = new LinkedHashMap<>();

  public Sessions() {
    this(LOGIN_VALIDITY, System::currentTimeMillis);
  }

  public Sessions(Duration loginValidity, LongSupplier clockMillis) {
    this.validityMillis = loginValidity.toMillis();
    this.clockMillis = clockMillis;
  }

  /** A new one-time login code (64 hex digits); at most 16 wait at once, the oldest is dropped past that. */
  public synchronized String newLogin() {
    String code = secret();
    logins.put(hash(code), clockMillis.getAsLong() + validityMillis);
    trim(logins, MAX_LOGINS);
    return code;
  }

  /**
   * Trades a login code for a new session, once.
   *
   * @return the session id, or null when the code is unknown, already used or expired
   */
  public synchronized String redeem(String code) {
    if (code == null || code.isEmpty()) {
      return null;
    }
    Long expires = logins.remove(hash(code));
    if (expires == null || clockMillis.getAsLong() > expires) {
      return null;
    }
    String session = secret();
    sessions.put(hash(session), Boolean.TRUE);
    trim(sessions, MAX_SESSIONS);
    return session;
  }

  /** True when {@code session} is a session this hub gave out and has not ended. */
  public synchronized boolean isSession(String session) {
    return session != null && !session.isEmpty() && sessions.containsKey(hash(session));
  }

  /** The value of cookie {@code name} in a {@code Cookie} request header, or null. */
  public static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private String secret() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void trim(Map<String, ?> m, int max) {
    Iterator<String> it = m.keySet().iterator();
    while (m.size() > max && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
