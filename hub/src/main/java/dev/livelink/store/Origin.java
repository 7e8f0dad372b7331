package dev.livelink.store;

/**
 * Who sent a version: the peer's id, application and document as they were at the publish, so a sender that comes
 * back under a new id (a restart of it or of the hub) is recognised and not handed its own version. A publish
 * without a registered sender ({@code livelink send}) counts as application {@value #ANONYMOUS_APP}. A field a
 * version file written before it existed lacks is null: unknown.
 */
public record Origin(String peer, String app, String document) {
  /** The application a publish without a registered sender counts as (the CLI's {@code send} and {@code watch}). */
  public static final String ANONYMOUS_APP = "livelink";

  public static final Origin ANONYMOUS = new Origin(null, ANONYMOUS_APP, null);

  /** True when {@code app} with {@code document} is this version's sender, as far as the record tells. */
  public boolean sameSender(String app, String document) {
    return this.app != null && this.document != null && !this.document.isEmpty() && this.app.equalsIgnoreCase(app)
        && this.document.equals(document);
  }
}
