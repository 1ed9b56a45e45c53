package io.fieldcap.web;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.transport.Tls;
import io.fieldcap.web.Router.Access;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
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
  /** The largest request body read for most routes ({@link Router#add} names larger ones). */
  static final int MAX_BODY = Router.BODY;
  /** A request's body must have arrived this long after it started. */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(10);
  /** Bytes a second below which Jetty drops a request whose body is arriving. */
  static final long MIN_BODY_RATE = 1024;
  /** Connections open at once; past it, new ones wait in the kernel's backlog. */
  static final int MAX_CONNECTIONS = 512;

  private final LocalFrameStore store;
  private final Auth auth;
  private final URI publicUrl;
  private final Thumbs thumbs;
  private final Api api;
  private final Labeling labeling;
  private final DatasetDownloads downloads;
  private final ModelPages modelPages;
  private final ModelUploads uploads;
  private final Review review;
  private final Router router;
  private final boolean tls;
  private final Server jetty;
  private final ServerConnector connector;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "web-deadlines");
    t.setDaemon(true);
    return t;
  });

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
    Tokens tokens = new Tokens(http.tokensFile());
    this.publicUrl = http.publicUrl();
    this.thumbs = new Thumbs(store.dir());
    this.api = new Api(store);
    this.labeling = new Labeling(store);
    this.downloads = new DatasetDownloads(store);
    this.modelPages = new ModelPages(store);
    this.uploads = new ModelUploads(store);
    this.review = new Review(store);
    this.tls = http.tlsCert() != null;
    this.auth = new Auth(tokens, new Sessions(store.sessions(), tokens, Clock.systemUTC()), publicUrl, tls);
    this.router = routes();
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
    connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
        .setMinRequestDataRate(MIN_BODY_RATE);
    jetty.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
          answer(request, response, callback, new byte[0]);
        } else if (router.streamed(method, Request.getPathInContext(request))) {
          answer(request, response, callback, null); // the route reads its body once the caller is known
        } else {
          readBody(request, response, callback);
        }
        return true;
      }
    });
  }

  /**
   * Reads a request's body without holding a thread while it arrives, then answers on the pool: a
   * client sending slowly costs a connection, not one of the app's threads. Past {@link #MAX_BODY}
   * bytes the answer is 413; a body not complete {@link #BODY_DEADLINE} after the request started
   * (however steadily it drips) is 408; either way the connection is closed.
   */
  private void readBody(Request request, Response response, Callback callback) {
    long declared = request.getLength();
    int max = router.maxBody(request.getMethod(), Request.getPathInContext(request));
    if (declared > max) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      error(request, response, callback, 413, "the request body is over " + max + " bytes");
      return;
    }
    ScheduledFuture<?> deadline = timer.schedule(() -> request.fail(new TimeoutException(
        "the request body did not arrive within " + BODY_DEADLINE.toSeconds() + " s")), BODY_DEADLINE.toMillis(),
        TimeUnit.MILLISECONDS);
    Content.Source.asByteArrayAsync(request, max).whenComplete((body, failure) -> {
      deadline.cancel(false);
      jetty.getThreadPool().execute(() -> {
        if (failure == null) {
          answer(request, response, callback, body);
          return;
        }
        Throwable why = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        if (why instanceof TimeoutException) {
          log.info("web: {} {} from {}: {}", request.getMethod(), Request.getPathInContext(request), Request.getRemoteAddr(request),
              why.getMessage());
          error(request, response, callback, 408, why.getMessage());
        } else if (declared < 0 && why instanceof IllegalArgumentException) {
          error(request, response, callback, 413, "the request body is over " + max + " bytes");
        } else {
          error(request, response, callback, 400, "the request body could not be read: " + why.getMessage());
        }
      });
    });
  }

  private void answer(Request request, Response response, Callback callback, byte[] body) {
    try {
      dispatch(request, response, callback, body);
    } catch (HttpError e) {
      if (e.retryAfter > 0) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfter));
      }
      if (body == null) { // a streamed route refused before reading its body (no token, no role, a bad name)
        RefusedBody.drainThen(request, response, timer, jetty.getThreadPool(), BODY_DEADLINE,
            () -> error(request, response, callback, e.status, e.getMessage()));
      } else {
        error(request, response, callback, e.status, e.getMessage());
      }
    } catch (Exception e) {
      log.warn("web: {} {}: {}", request.getMethod(), Request.getPathInContext(request), e.toString());
      error(request, response, callback, 500, "internal error");
    }
  }

  /**
   * The base of links handed to other tools (labeling batches): {@code server.http.public-url}, else
   * the address the app listens on when that is one address. Never the request's Host header, which
   * any client can set to a host of its choosing.
   */
  private String linkBase() {
    if (publicUrl != null) {
      return publicUrl.toString();
    }
    String host = connector.getHost();
    if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      throw new HttpError(409, "set server.http.public-url to the address labelers reach this app at: it listens on every"
          + " interface, and links are not built from the request's Host header");
    }
    return (tls ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
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
    timer.shutdownNow();
    try {
      jetty.stop();
    } catch (Exception e) {
      log.debug("web: stopping: {}", e.toString());
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
    String clip = frame; // a clip's id has a frame id's form
    ClipPages clipPages = new ClipPages(store);
    return new Router()
        .get("/static/(.*)", Access.PUBLIC, this::staticFile)
        .get(Labeling.FILE.pattern(), Access.PUBLIC, labeling::serve)
        .get("/login", Access.PUBLIC, this::loginForm)
        .post("/login", Access.PUBLIC, null, auth::login)
        .post("/logout", Access.VIEWER, null, auth::logout)
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
        .add("PUT", "/api/frames/" + frame + "/labels", Access.REVIEWER, "editing labels", Review.MAX_SAVE,
            x -> review.save(x, api.frame(x.path(1), x.path(2))))
        .get("/api/review/next", Access.REVIEWER, review::next)
        .get("/api/review/stats", Access.REVIEWER, review::stats)
        .get("/api/classes", Access.VIEWER, review::classes)
        .add("PUT", "/api/classes", Access.ADMIN, "setting the classes", review::setClasses)
        .post("/api/labeling", Access.REVIEWER, "sending to labeling",
            x -> x.json(labeling.sendToLabeling(linkBase(), x.body(64 * 1024))))
        .get("/(images|thumbs)/" + frame + "\\.jpg", Access.VIEWER, this::image)
        .get("/review", Access.REVIEWER, x -> x.html(Pages.review(x.who(), x.csrf())))
        .get("/classes", Access.VIEWER, x -> x.html(Pages.classes(x.who(), x.csrf())))
        .get("/clips", Access.VIEWER, x -> x.html(ClipPages.listPage(x.who(), x.csrf())))
        .get("/clips/" + clip + "\\.mp4", Access.VIEWER, clipPages::video)
        .get("/clips/" + clip, Access.VIEWER, clipPages::page)
        .get("/api/clips", Access.VIEWER, clipPages::list)
        .get("/api/clips/" + clip, Access.VIEWER, clipPages::one)
        .get("/models", Access.VIEWER, modelPages::list)
        .get("/models/([0-9a-f]{64})", Access.VIEWER, modelPages::one)
        .get("/api/evaluations/([0-9a-f-]{36})/frames/" + frame, Access.VIEWER, modelPages::evaluatedFrame)
        .add("GET", "/api/datasets/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/export", Access.TRAINER, "downloading a dataset",
            downloads::serve)
        .upload("/api/models", Access.TRAINER, "registering a model", uploads::upload);
  }

  /**
   * Finds the route, then checks who is asking: a token (bearer, or the login cookie with the page's
   * CSRF token on anything but GET and HEAD) and, for a reviewer's route, the role. A path no route
   * has is 404 only for someone with a token: without one, every path answers 401.
   */
  private void dispatch(Request request, Response response, Callback callback, byte[] body) throws Exception {
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
      r.route().handler().handle(new Exchange(request, response, callback, null, "", r.match(), body));
      return;
    }
    boolean[] viaCookie = {false};
    Tokens.Identity who = auth.identity(request, viaCookie);
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
          Auth.csrf(Auth.cookieValue(request)).getBytes(StandardCharsets.UTF_8))) {
        throw new HttpError(403, "missing or wrong CSRF token (X-CSRF-Token): reload the page");
      }
    }
    Tokens.Role needed = switch (r.route().access()) {
      case REVIEWER -> Tokens.Role.REVIEWER;
      case TRAINER -> Tokens.Role.TRAINER;
      case ADMIN -> Tokens.Role.ADMIN;
      default -> Tokens.Role.VIEWER;
    };
    if (!who.role().allows(needed)) {
      throw new HttpError(403, who.name() + " is a " + who.role().name().toLowerCase(Locale.ROOT) + ": " + r.route().need()
          + " needs the " + needed.name().toLowerCase(Locale.ROOT) + " role");
    }
    r.route().handler().handle(new Exchange(request, response, callback, who, viaCookie[0] ? Auth.csrf(Auth.cookieValue(request)) : "",
        r.match(), body));
  }

}
