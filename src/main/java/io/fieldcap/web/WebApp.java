package io.fieldcap.web;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.transport.Tls;
import io.fieldcap.web.Router.Access;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's web app and JSON API, on Jetty's core handlers (no servlet container: the app is a
 * handful of routes, and Jetty 12 runs on Java 17 with a small footprint). Every page and API call
 * needs a token ({@link Tokens}): {@code Authorization: Bearer TOKEN} for scripts, or the HttpOnly,
 * SameSite=Strict cookie the login form sets for browsers; an action made with the cookie must also
 * carry the page's CSRF token. Images are served only through handlers that look the frame up in
 * the store by validated device and frame ids: no URL maps to a path of the data folder.
 */
public final class WebApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebApp.class);
  static final String COOKIE = "fieldcap_token";

  private final LocalFrameStore store;
  private final Tokens tokens;
  private final Thumbs thumbs;
  private final Api api;
  private final Labeling labeling;
  private final Router router;
  private final boolean tls;
  private final Server jetty;
  private final ServerConnector connector;

  /** Renders the server's metrics (Prometheus text) for {@code /metrics}; null serves none. */
  public interface Metrics {
    String render() throws IOException;
  }

  private volatile Metrics metrics;

  /** Serves {@code metrics} at {@code /metrics} (any token may read them, as Prometheus' bearer credentials). */
  public void metrics(Metrics m) {
    this.metrics = m;
  }

  public WebApp(LocalFrameStore store, ServerConfig.Http http) throws IOException {
    this.store = store;
    this.tokens = new Tokens(http.tokensFile());
    this.thumbs = new Thumbs(store.dir());
    this.api = new Api(store);
    this.labeling = new Labeling(store);
    this.router = routes();
    this.tls = http.tlsCert() != null;
    QueuedThreadPool pool = new QueuedThreadPool(16, 2);
    pool.setName("web");
    jetty = new Server(pool);
    if (tls) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      try {
        ssl.setSslContext(Tls.context(null, http.tlsCert(), http.tlsKey()));
      } catch (GeneralSecurityException e) {
        throw new IOException("server.http.tls-cert/tls-key: " + e.getMessage(), e);
      }
      connector = new ServerConnector(jetty, ssl);
    } else {
      connector = new ServerConnector(jetty);
    }
    connector.setHost(http.host());
    connector.setPort(http.port());
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        try {
          dispatch(request, response, callback);
        } catch (HttpError e) {
          discardBody(request);
          error(request, response, callback, e.status, e.getMessage());
        } catch (Exception e) {
          log.warn("web: {} {}: {}", request.getMethod(), Request.getPathInContext(request), e.toString());
          error(request, response, callback, 500, "internal error");
        }
        return true;
      }
    });
  }

  /** Starts listening; returns the URL it serves. */
  public String start() throws Exception {
    jetty.start();
    String url = (tls ? "https" : "http") + "://" + (connector.getHost() == null ? "0.0.0.0" : connector.getHost()) + ":"
        + connector.getLocalPort();
    log.info("web: serving the fleet, frames and API at {}", url);
    return url;
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      log.debug("web: stopping: {}", e.toString());
    }
  }

  /**
   * Reads and drops what is left of a refused request's body (at most 64 KiB), so that closing the
   * connection after the answer cannot reset it before the client has read the answer: a socket
   * closed with unread bytes sends a reset, which can take the answer with it.
   */
  private static void discardBody(Request request) {
    try (InputStream in = Content.Source.asInputStream(request)) {
      long left = 64 * 1024;
      byte[] buf = new byte[8192];
      int n;
      while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // the connection is going anyway
    }
  }

  private static boolean wantsJson(Request r) {
    String p = Request.getPathInContext(r);
    return p.startsWith("/api/") || p.startsWith("/images/") || p.startsWith("/thumbs/") || p.equals("/metrics");
  }

  private void error(Request request, Response response, Callback callback, int status, String message) {
    if (status == 401 && !wantsJson(request) && request.getMethod().equals("GET")) {
      Response.sendRedirect(request, response, callback, "/login");
      return;
    }
    Exchange.send(response, callback, status, "application/json", Json.encode(Map.of("error", message, "status", status)));
  }

  /** Who is asking: the bearer token, else the login cookie (then {@code cookie[0]} is set). */
  private Tokens.Identity identity(Request r, boolean[] cookie) {
    String auth = r.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.startsWith("Bearer ")) {
      return tokens.verify(auth.substring(7).strip());
    }
    for (HttpCookie c : Request.getCookies(r)) {
      if (c.getName().equals(COOKIE)) {
        cookie[0] = true;
        return tokens.verify(c.getValue());
      }
    }
    return null;
  }

  /** The CSRF token of a login cookie: what pages carry and actions made with the cookie must send back. */
  static String csrf(String token) {
    return Sha256.hex(("fieldcap-csrf\n" + token).getBytes(StandardCharsets.UTF_8));
  }

  private static String cookieValue(Request r) {
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

  private void staticFile(Exchange x) throws IOException {
    String name = x.path(1);
    if (!name.matches("[a-z]+\\.(js|css)")) {
      throw new HttpError(404, "no such file");
    }
    try (InputStream in = WebApp.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new HttpError(404, "no such file");
      }
      x.send(200, name.endsWith(".js") ? "text/javascript" : "text/css", in.readAllBytes());
    }
  }

  private void loginForm(Exchange x) {
    x.html(Pages.login(null));
  }

  private void login(Exchange x) throws IOException {
    String token = form(x.body(4096)).getOrDefault("token", "").strip();
    Tokens.Identity who = tokens.verify(token);
    if (who == null) {
      x.send(401, "text/html", Pages.login("That token is not known.").getBytes(StandardCharsets.UTF_8));
      return;
    }
    Response.addCookie(x.response(), HttpCookie.build(COOKIE, token).path("/").httpOnly(true).secure(tls)
        .sameSite(HttpCookie.SameSite.STRICT).build());
    Response.sendRedirect(x.request(), x.response(), x.callback(), "/");
  }

  private void logout(Exchange x) {
    Response.addCookie(x.response(), HttpCookie.build(COOKIE, "").path("/").maxAge(0).httpOnly(true).build());
    x.json(Map.of("loggedOut", true));
  }

  private void metrics(Exchange x) throws IOException {
    Metrics m = metrics;
    if (m == null) {
      throw new HttpError(404, "nothing at /metrics");
    }
    x.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    x.response().setStatus(200);
    x.response().write(true, ByteBuffer.wrap(m.render().getBytes(StandardCharsets.UTF_8)), x.callback());
  }

  private void image(Exchange x) throws IOException {
    StoredFrame f = api.frame(x.path(2), x.path(3));
    Path file = x.path(1).equals("images") ? f.image().fetch() : thumbs.of(f);
    x.send(200, x.path(1).equals("images") && f.image().key().endsWith(".png") ? "image/png" : "image/jpeg",
        Files.readAllBytes(file));
  }

  /** The routes: the one place that says which path does what, and who may ask (docs/api.md). */
  private Router routes() {
    String frame = "([A-Za-z0-9._-]{1,64})/(\\d{8}T\\d{9}Z-\\d{12,19})";
    return new Router()
        .get("/static/(.*)", Access.PUBLIC, this::staticFile)
        .get(Labeling.FILE.pattern(), Access.PUBLIC, labeling::serve)
        .get("/login", Access.PUBLIC, this::loginForm)
        .post("/login", Access.PUBLIC, null, this::login)
        .post("/logout", Access.VIEWER, null, this::logout)
        .get("/|/fleet", Access.VIEWER, x -> x.html(Pages.fleet(x.who(), x.csrf())))
        .get("/frames", Access.VIEWER, x -> x.html(Pages.gallery(x.who(), x.csrf())))
        .get("/plots", Access.VIEWER, x -> x.html(Pages.plots(x.who(), x.csrf(), store.browse().capturesPerDeviceDay(),
            store.browse().classStats())))
        .get("/frames/" + frame, Access.VIEWER, x -> x.html(Pages.frame(x.who(), x.csrf(), api.frame(x.path(1), x.path(2)))))
        .get("/metrics", Access.VIEWER, this::metrics)
        .get("/api/devices", Access.VIEWER, x -> x.json(api.devices()))
        .get("/api/frames", Access.VIEWER, x -> x.json(api.frames(Request.extractQueryParameters(x.request()))))
        .get("/api/frames/" + frame, Access.VIEWER, x -> x.json(Api.frameJson(api.frame(x.path(1), x.path(2)))))
        .post("/api/frames/" + frame + "/review", Access.REVIEWER, "reviewing",
            x -> x.json(api.review(api.frame(x.path(1), x.path(2)), x.who(), x.body(64 * 1024))))
        .post("/api/labeling", Access.REVIEWER, "sending to labeling",
            x -> x.json(labeling.sendToLabeling(x.request(), x.body(64 * 1024))))
        .get("/(images|thumbs)/" + frame + "\\.jpg", Access.VIEWER, this::image);
  }

  /**
   * Finds the route, then checks who is asking: a token (bearer, or the login cookie with the page's
   * CSRF token on anything but GET and HEAD) and, for a reviewer's route, the role. A path no route
   * has is 404 only for someone with a token: without one, every path answers 401.
   */
  private void dispatch(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    Router.Resolved r;
    HttpError unknown = null;
    try {
      r = router.resolve(method, path);
    } catch (HttpError e) {
      r = null;
      unknown = e;
    }
    if (r != null && r.route().access() == Access.PUBLIC) {
      r.route().handler().handle(new Exchange(request, response, callback, null, "", r.match()));
      return;
    }
    boolean[] viaCookie = {false};
    Tokens.Identity who = identity(request, viaCookie);
    if (who == null) {
      throw new HttpError(401, "a token is required: Authorization: Bearer TOKEN, or log in at /login");
    }
    if (unknown != null) {
      throw unknown;
    }
    boolean unsafe = !method.equals("GET") && !method.equals("HEAD");
    if (unsafe && viaCookie[0]) {
      String sent = request.getHeaders().get("X-CSRF-Token");
      if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
          csrf(cookieValue(request)).getBytes(StandardCharsets.UTF_8))) {
        throw new HttpError(403, "missing or wrong CSRF token (X-CSRF-Token): reload the page");
      }
    }
    if (r.route().access() == Access.REVIEWER && !who.role().allows(Tokens.Role.REVIEWER)) {
      throw new HttpError(403, who.name() + " is a " + who.role().name().toLowerCase(Locale.ROOT) + ": " + r.route().need()
          + " needs the reviewer role");
    }
    r.route().handler().handle(new Exchange(request, response, callback, who, viaCookie[0] ? csrf(cookieValue(request)) : "",
        r.match()));
  }

}
