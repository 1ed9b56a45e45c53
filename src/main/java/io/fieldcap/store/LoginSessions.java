package io.fieldcap.store;

import java.io.IOException;
import java.time.Instant;

/**
 * The web app's login sessions, kept in the metadata database so that every server sharing it knows
 * them, and a logout on one ends the session on all. Only hashes are stored: the session's secret
 * lives in the browser's cookie, the token in the tokens file.
 *
 * <pre>
 * sessions(id (SHA-256 of the cookie's secret) PRIMARY KEY, token_sha256, name, created_at, last_seen)
 * </pre>
 */
public final class LoginSessions {
  /** A session as stored. */
  public record Session(String id, String tokenSha256, String name, Instant createdAt, Instant lastSeen) {}

  private final Sql sql;

  LoginSessions(Sql sql) {
    this.sql = sql;
  }

  public void open(String id, String tokenSha256, String name, Instant at) throws IOException {
    sql.update("cannot open a session for " + name,
        "INSERT INTO sessions(id, token_sha256, name, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
        id, tokenSha256, name, at, at);
  }

  /** The session, or null. */
  public Session find(String id) throws IOException {
    return sql.first("cannot read a session", "SELECT id, token_sha256, name, created_at, last_seen FROM sessions WHERE id = ?",
        r -> new Session(r.getString(1), r.getString(2), r.getString(3), Instant.parse(r.getString(4)),
            Instant.parse(r.getString(5))), id);
  }

  public void touch(String id, Instant at) throws IOException {
    sql.update("cannot record a session's use", "UPDATE sessions SET last_seen = ? WHERE id = ?", at, id);
  }

  /** Ends a session; whether there was one. */
  public boolean end(String id) throws IOException {
    return sql.update("cannot end a session", "DELETE FROM sessions WHERE id = ?", id) == 1;
  }

  /** Ends the sessions created before {@code createdBefore} or unused since {@code seenBefore}; returns how many. */
  public int expire(Instant createdBefore, Instant seenBefore) throws IOException {
    return sql.update("cannot expire sessions", "DELETE FROM sessions WHERE created_at < ? OR last_seen < ?",
        createdBefore, seenBefore);
  }
}
