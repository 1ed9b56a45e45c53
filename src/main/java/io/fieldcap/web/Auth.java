package io.fieldcap.web;

import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Who is asking, and logging in and out: bearer tokens ({@link Tokens}), server-side login sessions
 * ({@link Sessions}) behind an HttpOnly cookie, the login's Origin check, the CSRF token of a session,
 * and the per-client limit on wrong tokens ({@link FailedLogins}).
 */
final class Auth {
  static final String COOKIE = "fieldcap_session";

  private final Tokens tokens;
  private final Sessions sessions;
  private final FailedLogins failedLogins;
  private final URI publicUrl;
  private final boolean tls;

  Auth(Tokens tokens, Sessions sessions, URI publicUrl, boolean tls) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.failedLogins = new FailedLogins(Clock.systemUTC());
    this.publicUrl = publicUrl;
    this.tls = tls;
  }

  /**
   * Who is asking: the bearer token, else the login session of the cookie (then {@code cookie[0]} is
   * set); null when neither is valid. A wrong credential is counted against the client's address.
   */
  Tokens.Identity identity(Request r, boolean[] cookie) throws IOException {
    String auth = r.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.startsWith("Bearer ")) {
      refuseIfGuessing(r);
      Tokens.Identity who = tokens.verify(auth.substring(7).strip());
      if (who == null) {
        failedLogins.failed(client(r), "bearer token");
      }
      return who;
    }
    String session = cookieValue(r);
    if (session != null) {
      cookie[0] = true;
      return sessions.check(session); // an ended or expired session: the browser goes to the login form
    }
    return null;
  }

  private static String client(Request r) {
    return Request.getRemoteAddr(r);
  }

  private void refuseIfGuessing(Request r) {
    long wait = failedLogins.retryAfter(client(r));
    if (wait > 0) {
      throw new HttpError(429, "too many wrong tokens from " + client(r) + ": try again in " + wait + " s", wait);
    }
  }

  /** The CSRF token of a login cookie: what pages carry and actions made with the cookie must send back. */
  static String csrf(String token) {
    return Sha256.hex(("fieldcap-csrf\n" + token).getBytes(StandardCharsets.UTF_8));
  }

  static String cookieValue(Request r) {
    for (HttpCookie c : Request.getCookies(r)) {
      if (c.getName().equals(COOKIE)) {
        return c.getValue();
      }
    }
    return null;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  void login(Exchange x) throws IOException {
    checkOrigin(x.request());
    refuseIfGuessing(x.request());
    String token = form(x.body(4096)).getOrDefault("token", "").strip();
    Tokens.Identity who = tokens.verify(token);
    if (who == null) {
      failedLogins.failed(client(x.request()), "login form");
      x.send(401, "text/html", Pages.login("That token is not known.").getBytes(StandardCharsets.UTF_8));
      return;
    }
    sessions.end(cookieValue(x.request())); // a new login ends the session this browser had
    Response.addCookie(x.response(), HttpCookie.build(COOKIE, sessions.open(token, who)).path("/").httpOnly(true).secure(tls)
        .sameSite(HttpCookie.SameSite.STRICT).build());
    Response.sendRedirect(x.request(), x.response(), x.callback(), "/");
  }

  /**
   * Refuses a login sent from a page of another origin (login CSRF: a page elsewhere submitting its own
   * token to swap the reviewer's session). Browsers send {@code Origin} with every form POST; the
   * origin must be the configured public URL's, or the request's own. A client that sends neither
   * {@code Origin} nor {@code Sec-Fetch-Site} is a script, not a browser, and is let through.
   */
  private void checkOrigin(Request r) {
    String origin = r.getHeaders().get(HttpHeader.ORIGIN);
    String site = r.getHeaders().get("Sec-Fetch-Site");
    if (origin == null) {
      if (site != null && !site.equals("same-origin") && !site.equals("none")) {
        throw new HttpError(403, "a login from another site is refused (Sec-Fetch-Site: " + site + ")");
      }
      return;
    }
    String own = publicUrl != null ? publicUrl.getScheme() + "://" + publicUrl.getRawAuthority()
        : (tls ? "https" : "http") + "://" + r.getHeaders().get(HttpHeader.HOST);
    if (!origin.equalsIgnoreCase(own)) {
      throw new HttpError(403, "a login from another origin is refused (Origin: " + origin + ", expected " + own + ")");
    }
  }

  void logout(Exchange x) throws IOException {
    sessions.end(cookieValue(x.request()));
    Response.addCookie(x.response(), HttpCookie.build(COOKIE, "").path("/").maxAge(0).httpOnly(true).build());
    x.json(Map.of("loggedOut", true));
  }
}
