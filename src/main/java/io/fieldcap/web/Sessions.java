package io.fieldcap.web;

import io.fieldcap.model.Sha256;
import io.fieldcap.store.LoginSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Login sessions, server-side: the login form trades a token for a session whose random secret is the
 * cookie's value (the token itself never goes into a cookie). A session ends at logout, after {@link
 * #IDLE} unused or {@link #MAX_AGE} after login, and at once when its token is revoked. Stored in the
 * metadata database ({@link LoginSessions}), by hash, so that every server sharing it
 * knows them.
 */
final class Sessions {
  /** A session unused for this long ends. */
  static final Duration IDLE = Duration.ofHours(2);
  /** A session ends this long after login, used or not. */
  static final Duration MAX_AGE = Duration.ofHours(12);
  /** How often a session's last use is written (not at every request). */
  private static final Duration TOUCH = Duration.ofMinutes(1);

  private final LoginSessions table;
  private final Tokens tokens;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  Sessions(LoginSessions table, Tokens tokens, Clock clock) {
    this.table = table;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** Opens a session for a verified token; returns the cookie's value. */
  String open(String token, Tokens.Identity who) throws IOException {
    Instant now = clock.instant();
    table.expire(now.minus(MAX_AGE), now.minus(IDLE));
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    table.open(id(secret), Tokens.hash(token), who.name(), now);
    return secret;
  }

  /** Who the session with this cookie value is, or null when there is none (ended, expired, revoked). */
  Tokens.Identity check(String secret) throws IOException {
    if (secret == null || secret.isEmpty() || secret.length() > 64) {
      return null;
    }
    String id = id(secret);
    LoginSessions.Session s = table.find(id);
    if (s == null) {
      return null;
    }
    Instant now = clock.instant();
    Tokens.Identity who = tokens.verifyHash(s.tokenSha256());
    if (who == null || s.createdAt().plus(MAX_AGE).isBefore(now) || s.lastSeen().plus(IDLE).isBefore(now)) {
      table.end(id);
      return null;
    }
    if (s.lastSeen().plus(TOUCH).isBefore(now)) {
      table.touch(id, now);
    }
    return who;
  }

  /** Ends the session with this cookie value, if there is one. */
  void end(String secret) throws IOException {
    if (secret != null && !secret.isEmpty() && secret.length() <= 64) {
      table.end(id(secret));
    }
  }

  private static String id(String secret) {
    return Sha256.hex(("fieldcap-session\n" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
