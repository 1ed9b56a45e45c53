package io.fieldcap.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-client limit on wrong tokens (at the login form or as a bearer token): more than {@link #LIMIT}
 * in {@link #WINDOW} from one address answers 429 until the window has passed. Each wrong token is
 * logged with the address (at most one line per address per window, then one when it is blocked), so
 * that an operator sees a guesser. Tokens are 256-bit: this is about noise and visibility, not odds.
 */
final class FailedLogins {
  private static final Logger log = LoggerFactory.getLogger(FailedLogins.class);
  static final int LIMIT = 10;
  static final Duration WINDOW = Duration.ofMinutes(1);
  /** Addresses remembered at most (the oldest forgotten first), so that a flood of addresses cannot fill memory. */
  private static final int CLIENTS = 10_000;

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> e) {
      return size() > CLIENTS;
    }
  };

  FailedLogins(Clock clock) {
    this.clock = clock;
  }

  /** Seconds until {@code client} may try again, or 0 when it may now. */
  synchronized long retryAfter(String client) {
    Deque<Instant> d = failures.get(client);
    if (d == null) {
      return 0;
    }
    Instant now = clock.instant();
    while (!d.isEmpty() && !d.peekFirst().plus(WINDOW).isAfter(now)) {
      d.pollFirst();
    }
    return d.size() < LIMIT ? 0 : Math.max(1, Duration.between(now, d.peekFirst().plus(WINDOW)).toSeconds());
  }

  /** Records a wrong token from {@code client} ({@code where}: the login form, a bearer token, a session cookie). */
  synchronized void failed(String client, String where) {
    Deque<Instant> d = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
    Instant now = clock.instant();
    while (!d.isEmpty() && !d.peekFirst().plus(WINDOW).isAfter(now)) {
      d.pollFirst();
    }
    d.addLast(now);
    if (d.size() == 1) {
      log.warn("web: wrong token from {} ({})", client, where);
    } else if (d.size() == LIMIT) {
      log.warn("web: {} wrong tokens from {} within {} s: refusing it (429) for the rest of the minute", LIMIT, client,
          WINDOW.toSeconds());
    }
  }
}
