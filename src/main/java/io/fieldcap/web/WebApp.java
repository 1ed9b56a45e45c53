package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.Browse;
import io.fieldcap.store.Devices;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.transport.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
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
  private static final Pattern FRAME_PATH = Pattern.compile("/(images|thumbs)/([A-Za-z0-9._-]{1,64})/(\\d{8}T\\d{9}Z-\\d{12,19})\\.jpg");
  private static final Pattern FRAME_API = Pattern.compile("/api/frames/([A-Za-z0-9._-]{1,64})/(\\d{8}T\\d{9}Z-\\d{12,19})(/review)?");
  private static final Pattern FRAME_PAGE = Pattern.compile("/frames/([A-Za-z0-9._-]{1,64})/(\\d{8}T\\d{9}Z-\\d{12,19})");

  private static final Pattern LABELING = Pattern.compile("/labeling/(batch-[0-9]{8}-[0-9]{6}-[0-9a-f]{4})\\.([0-9a-f]{32})/"
      + "(tasks\\.json|labeling-config\\.xml|annotations\\.xml|images/[A-Za-z0-9._-]{1,200}\\.(?:jpg|png))");

  private final LocalFrameStore store;
  private final Tokens tokens;
  private final byte[] secret;
  private final Thumbs thumbs;
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
    this.secret = secret(store.dir().resolve("web-secret"));
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
          route(request, response, callback);
        } catch (HttpError e) {
          error(request, response, callback, e.status, e.getMessage());
        } catch (Exception e) {
          log.warn("web: {} {}: {}", request.getMethod(), Request.getPathInContext(request), e.toString());
          error(request, response, callback, 500, "internal error");
        }
        return true;
      }
    });
  }

  /** The key of the labeling links: random, made once, kept in the data folder with mode 600. */
  private static byte[] secret(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Path tmp = file.resolveSibling(file.getFileName() + ".part");
      Files.writeString(tmp, HexFormat.of().formatHex(b));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not POSIX
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return HexFormat.of().parseHex(Files.readString(file).strip());
  }

  /** The capability part of a labeling batch's links: its name and an HMAC of it, so the links cannot be guessed. */
  String capability(String batch) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return batch + "." + HexFormat.of().formatHex(mac.doFinal(batch.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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

  /** An HTTP error to answer with. */
  static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
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
    Map<String, Object> m = Map.of("error", message, "status", status);
    send(response, callback, status, "application/json", json(m));
  }

  private static byte[] json(Object o) {
    try {
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + (type.startsWith("image/") ? "" : "; charset=utf-8"));
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "same-origin");
    response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, type.startsWith("image/") ? "private, max-age=86400" : "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
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

  private static String body(Request r, int max) throws IOException {
    try (InputStream in = Content.Source.asInputStream(r)) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new HttpError(413, "the request body is over " + max + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    }
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

  private void route(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.startsWith("/static/") && method.equals("GET")) {
      staticFile(path.substring(8), response, callback);
      return;
    }
    Matcher lab = LABELING.matcher(path);
    if (lab.matches() && method.equals("GET")) {
      // a labeling tool fetches these without a token: the link itself is the key (see docs/api.md)
      if (!MessageDigest.isEqual(capability(lab.group(1)).getBytes(StandardCharsets.UTF_8),
          (lab.group(1) + "." + lab.group(2)).getBytes(StandardCharsets.UTF_8))) {
        throw new HttpError(404, "no such labeling batch");
      }
      Path file = store.dir().resolve("labeling").resolve(lab.group(1)).resolve(lab.group(3));
      if (!Files.isRegularFile(file)) {
        throw new HttpError(404, "no such file in the batch");
      }
      String name = lab.group(3);
      send(response, callback, 200, name.endsWith(".json") ? "application/json" : name.endsWith(".xml") ? "application/xml"
          : name.endsWith(".png") ? "image/png" : "image/jpeg", Files.readAllBytes(file));
      return;
    }
    if (path.equals("/login")) {
      login(request, response, callback, method);
      return;
    }
    boolean[] viaCookie = {false};
    Tokens.Identity who = identity(request, viaCookie);
    if (who == null) {
      throw new HttpError(401, "a token is required: Authorization: Bearer TOKEN, or log in at /login");
    }
    boolean unsafe = !method.equals("GET") && !method.equals("HEAD");
    if (unsafe && viaCookie[0]) {
      String sent = request.getHeaders().get("X-CSRF-Token");
      if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
          csrf(cookieValue(request)).getBytes(StandardCharsets.UTF_8))) {
        throw new HttpError(403, "missing or wrong CSRF token (X-CSRF-Token): reload the page");
      }
    }
    String csrf = viaCookie[0] ? csrf(cookieValue(request)) : "";
    Matcher m;
    if (path.equals("/logout") && unsafe) {
      Response.addCookie(response, HttpCookie.build(COOKIE, "").path("/").maxAge(0).httpOnly(true).build());
      send(response, callback, 200, "application/json", json(Map.of("loggedOut", true)));
    } else if (path.equals("/") || path.equals("/fleet")) {
      send(response, callback, 200, "text/html", Pages.fleet(who, csrf).getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/frames")) {
      send(response, callback, 200, "text/html", Pages.gallery(who, csrf).getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/api/labeling") && method.equals("POST")) {
      if (!who.role().allows(Tokens.Role.REVIEWER)) {
        throw new HttpError(403, who.name() + " is a " + who.role().name().toLowerCase() + ": sending to labeling needs the reviewer role");
      }
      send(response, callback, 200, "application/json", json(sendToLabeling(request, body(request, 64 * 1024))));
    } else if (path.equals("/plots") && method.equals("GET")) {
      send(response, callback, 200, "text/html", Pages.plots(who, csrf, store.browse().capturesPerDeviceDay(), store.browse().classStats())
          .getBytes(StandardCharsets.UTF_8));
    } else if ((m = FRAME_PAGE.matcher(path)).matches()) {
      StoredFrame f = frame(m.group(1), m.group(2));
      send(response, callback, 200, "text/html", Pages.frame(who, csrf, f).getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/metrics") && method.equals("GET") && metrics != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      response.setStatus(200);
      response.write(true, ByteBuffer.wrap(metrics.render().getBytes(StandardCharsets.UTF_8)), callback);
    } else if (path.equals("/api/devices") && method.equals("GET")) {
      send(response, callback, 200, "application/json", json(devices()));
    } else if (path.equals("/api/frames") && method.equals("GET")) {
      send(response, callback, 200, "application/json", json(frames(Request.extractQueryParameters(request))));
    } else if ((m = FRAME_API.matcher(path)).matches()) {
      StoredFrame f = frame(m.group(1), m.group(2));
      if (m.group(3) == null && method.equals("GET")) {
        send(response, callback, 200, "application/json", json(frameJson(f)));
      } else if (m.group(3) != null && method.equals("POST")) {
        if (!who.role().allows(Tokens.Role.REVIEWER)) {
          throw new HttpError(403, who.name() + " is a " + who.role().name().toLowerCase() + ": reviewing needs the reviewer role");
        }
        send(response, callback, 200, "application/json", json(review(f, who, body(request, 64 * 1024))));
      } else {
        throw new HttpError(405, method + " is not allowed on " + path);
      }
    } else if ((m = FRAME_PATH.matcher(path)).matches() && method.equals("GET")) {
      StoredFrame f = frame(m.group(2), m.group(3));
      Path file = m.group(1).equals("images") ? f.image() : thumbs.of(f);
      send(response, callback, 200, m.group(1).equals("images") && f.image().toString().endsWith(".png") ? "image/png" : "image/jpeg",
          Files.readAllBytes(file));
    } else {
      throw new HttpError(404, "nothing at " + path);
    }
  }

  private void staticFile(String name, Response response, Callback callback) throws IOException {
    if (!name.matches("[a-z]+\\.(js|css)")) {
      throw new HttpError(404, "no such file");
    }
    try (InputStream in = WebApp.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new HttpError(404, "no such file");
      }
      send(response, callback, 200, name.endsWith(".js") ? "text/javascript" : "text/css", in.readAllBytes());
    }
  }

  private void login(Request request, Response response, Callback callback, String method) throws IOException {
    if (method.equals("GET")) {
      send(response, callback, 200, "text/html", Pages.login(null).getBytes(StandardCharsets.UTF_8));
      return;
    }
    String token = form(body(request, 4096)).getOrDefault("token", "").strip();
    Tokens.Identity who = tokens.verify(token);
    if (who == null) {
      send(response, callback, 401, "text/html", Pages.login("That token is not known.").getBytes(StandardCharsets.UTF_8));
      return;
    }
    Response.addCookie(response, HttpCookie.build(COOKIE, token).path("/").httpOnly(true).secure(tls)
        .sameSite(HttpCookie.SameSite.STRICT).build());
    Response.sendRedirect(request, response, callback, "/");
  }

  private StoredFrame frame(String device, String frameId) throws IOException {
    StoredFrame f = DeviceId.problem(device) == null ? store.frame(device, frameId) : null;
    if (f == null) {
      throw new HttpError(404, "no frame " + device + "/" + frameId);
    }
    return f;
  }

  /** Every device, most troubled first: offline, then with rejected frames, then by backlog. */
  List<Map<String, Object>> devices() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Devices.Device d : store.devices().all()) {
      JsonNode s = Json.MAPPER.readTree(d.status());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("device", d.device());
      m.put("online", d.state().equals("online"));
      m.put("state", d.state());
      m.put("lastSeen", d.lastSeen() == null ? null : d.lastSeen().toString());
      m.put("updatedAt", d.updatedAt().toString());
      for (String k : List.of("backlog", "inFlight", "spoolBytes", "diskFree", "fps", "captured", "acked", "rejected",
          "rejectedBy", "forgedAcks", "model", "version", "modelSha256", "position", "stages", "groups", "config", "updates")) {
        if (s.has(k)) {
          m.put(k, s.get(k));
        }
      }
      out.add(m);
    }
    out.sort((a, b) -> {
      int c = Boolean.compare((Boolean) a.get("online"), (Boolean) b.get("online"));
      if (c != 0) {
        return c;
      }
      c = Long.compare(num(b.get("rejected")), num(a.get("rejected")));
      return c != 0 ? c : Long.compare(num(b.get("backlog")), num(a.get("backlog")));
    });
    return out;
  }

  private static long num(Object o) {
    return o instanceof JsonNode n ? n.asLong() : 0;
  }

  private static String param(Fields p, String name) {
    String v = p.getValue(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Instant time(String name, String v) {
    if (v == null) {
      return null;
    }
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new HttpError(400, name + ": '" + v + "' is not a date (2026-11-29) or a UTC time (2026-11-29T08:00:00Z)");
    }
  }

  Map<String, Object> frames(Fields p) throws IOException {
    int limit;
    try {
      limit = param(p, "limit") == null ? 48 : Integer.parseInt(param(p, "limit"));
    } catch (NumberFormatException e) {
      throw new HttpError(400, "limit: not a number");
    }
    if (limit < 1 || limit > 500) {
      throw new HttpError(400, "limit: must be 1 to 500");
    }
    Double minScore = null;
    if (param(p, "minScore") != null) {
      try {
        minScore = Double.parseDouble(param(p, "minScore"));
      } catch (NumberFormatException e) {
        throw new HttpError(400, "minScore: not a number");
      }
    }
    String tag = param(p, "tag");
    String tagKey = null;
    String tagValue = null;
    if (tag != null) {
      int eq = tag.indexOf('=');
      if (eq <= 0) {
        throw new HttpError(400, "tag: expected KEY=VALUE");
      }
      tagKey = tag.substring(0, eq);
      tagValue = tag.substring(eq + 1);
    }
    List<StoredFrame> page;
    try {
      page = store.browse().page(new Browse.Query(param(p, "device"), param(p, "class"), minScore, param(p, "keptBy"), tagKey,
          tagValue, param(p, "review"), param(p, "mark"), time("since", param(p, "since")), time("until", param(p, "until")),
          param(p, "after"), limit));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frames", page.stream().map(WebApp::frameJson).toList());
    out.put("next", page.size() == limit ? Browse.cursor(page.get(page.size() - 1)) : null);
    return out;
  }

  static Map<String, Object> frameJson(StoredFrame f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", f.device());
    m.put("frameId", f.frameId());
    m.put("capturedAt", f.capturedAt().toString());
    m.put("width", f.width());
    m.put("height", f.height());
    m.put("sha256", f.sha256());
    m.put("model", f.labels() == null ? null : f.labels().model());
    m.put("modelVersion", f.labels() == null ? null : f.labels().version());
    m.put("prelabels", f.labels() == null ? List.of() : f.labels().detections());
    m.put("reviewed", f.reviewed() == null ? null : f.reviewed().detections());
    m.put("revision", f.revision());
    m.put("marks", f.mark() == null ? List.of() : List.of(f.mark().split(",")));
    m.put("meta", f.meta());
    m.put("image", "/images/" + f.device() + "/" + f.frameId() + ".jpg");
    m.put("thumb", "/thumbs/" + f.device() + "/" + f.frameId() + ".jpg");
    m.put("cursor", Browse.cursor(f));
    return m;
  }

  /** This server's own URL as the client reached it (scheme, host and port), for links a labeling tool follows. */
  private static String base(Request r) {
    var u = r.getHttpURI();
    return u.getScheme() + "://" + u.getAuthority();
  }

  /**
   * Exports a selection (the gallery's filters, up to {@code limit} frames, newest first) in Label
   * Studio's or CVAT's format into {@code DATA/labeling/BATCH/}, with image links this server serves
   * to anyone holding them.
   */
  Map<String, Object> sendToLabeling(Request request, String body) throws IOException {
    JsonNode q;
    try {
      q = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON");
    }
    String format = q == null ? "" : q.path("format").asText("labelstudio");
    if (!format.equals("labelstudio") && !format.equals("cvat")) {
      throw new HttpError(400, "format: '" + format + "' is not labelstudio or cvat");
    }
    int limit = q.path("limit").asInt(1000);
    if (limit < 1 || limit > 10_000) {
      throw new HttpError(400, "limit: must be 1 to 10000");
    }
    String device = text(q, "device");
    List<StoredFrame> frames;
    try {
      frames = store.browse().page(new Browse.Query(device, text(q, "class"), q.has("minScore") ? q.get("minScore").asDouble() : null,
          text(q, "keptBy"), null, null, text(q, "review"), text(q, "mark"), time("since", text(q, "since")),
          time("until", text(q, "until")), null, limit));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    if (frames.isEmpty()) {
      throw new HttpError(400, "no frame matches the selection");
    }
    String batch = "batch-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.now()) + "-" + String.format("%04x", new SecureRandom().nextInt(0x10000));
    String cap = capability(batch);
    Path out = store.dir().resolve("labeling").resolve(batch);
    String prefix = base(request) + "/labeling/" + cap + "/images/";
    Frames selected = action -> frames.forEach(action);
    Exporter exporter = Exporter.forFormat(format);
    Exporter.Result r = exporter.export(selected, out,
        new ExportOptions(null, "detect", false, prefix, Selection.ALL));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch", batch);
    m.put("format", format);
    m.put("images", r.images());
    m.put("annotations", r.annotations());
    m.put("folder", out.toString());
    String link = base(request) + "/labeling/" + cap + "/";
    if (format.equals("labelstudio")) {
      m.put("tasks", link + "tasks.json");
      m.put("labelingConfig", link + "labeling-config.xml");
    } else {
      m.put("annotationsUrl", link + "annotations.xml");
      m.put("imagesBase", prefix);
    }
    return m;
  }

  private static String text(JsonNode q, String key) {
    String v = q.path(key).asText("");
    return v.isBlank() ? null : v.strip();
  }

  /** A reviewer's action: each a label revision (accept, relabel) or a mark (reject, flag), with the reviewer's name. */
  Map<String, Object> review(StoredFrame f, Tokens.Identity who, String body) throws IOException {
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON: {\"action\": \"accept\" | \"reject\" | \"flag\" | \"relabel\"}");
    }
    String action = req == null ? "" : req.path("action").asText("");
    Instant now = Instant.now();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("action", action);
    switch (action) {
      case "accept" -> {
        List<Detection> pre = f.labels() == null ? List.of() : f.labels().detections();
        List<Detection> accepted = pre.stream().map(d -> new Detection(d.label(), 1.0, d.box(), d.polygon())).toList();
        out.put("revision", store.revisions().add(f.device(), f.frameId(), new LabelSet(null, accepted), who.name(), "web: accept",
            "web", now));
      }
      case "relabel" -> {
        String from = req.path("from").asText("");
        String to = req.path("to").asText("").strip();
        if (from.isEmpty() || to.isEmpty() || to.length() > 100) {
          throw new HttpError(400, "relabel needs \"from\" and \"to\" class names");
        }
        LabelSet base = f.reviewed() != null ? f.reviewed() : f.labels();
        if (base == null || base.detections().stream().noneMatch(d -> d.label().equals(from))) {
          throw new HttpError(400, "frame " + f.device() + "/" + f.frameId() + " has no '" + from + "' label");
        }
        List<Detection> changed = base.detections().stream().map(d -> new Detection(d.label().equals(from) ? to : d.label(),
            f.reviewed() != null ? d.score() : 1.0, d.box(), d.polygon())).toList();
        out.put("revision", store.revisions().add(f.device(), f.frameId(), new LabelSet(null, changed), who.name(),
            "web: relabel " + from + " -> " + to, "web", now));
      }
      case "reject", "flag" -> {
        String kind = action.equals("reject") ? "rejected" : "flagged";
        boolean undo = req.path("undo").asBoolean(false);
        out.put("changed", undo ? store.marks().unmark(f.device(), f.frameId(), kind)
            : store.marks().mark(f.device(), f.frameId(), kind, (action.equals("reject") ? "rejected" : "flagged for labeling")
                + " by " + who.name(), null, 0, now));
      }
      default -> throw new HttpError(400, "action: '" + action + "' is not accept, reject, flag or relabel");
    }
    out.put("frame", frameJson(store.frame(f.device(), f.frameId())));
    return out;
  }
}
