package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's doors under hostile input (issue 27), each reproduction as the probe tried it, over
 * real sockets against the real Jetty app: revocation that fails closed, sessions that end at logout,
 * slow bodies that cannot starve the app, login CSRF, and a guesser answered with 429 and logged.
 */
class HostileWebIT {
  @TempDir Path tmp;
  private Path tokens;
  private String viewer;
  private String reviewer;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() throws Exception {
    SampleStore.create(tmp.resolve("data"));
    tokens = tmp.resolve("tokens");
    viewer = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    reviewer = Tokens.add(tokens, "rob", Tokens.Role.REVIEWER);
  }

  private WebApp app(LocalFrameStore st) throws Exception {
    return new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null));
  }

  private HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(String base, String token, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookie(HttpResponse<?> login) {
    String c = login.headers().firstValue("Set-Cookie").orElseThrow();
    return c.substring(0, c.indexOf(';'));
  }

  @Test
  void aTokensFileThatIsGoneOrBrokenRefusesEveryoneUntilItIsFixed() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      assertThat(get(base + "/api/devices", viewer).statusCode()).isEqualTo(200);
      String good = Files.readString(tokens);
      Files.delete(tokens);
      assertThat(get(base + "/api/devices", viewer).statusCode()).as("the file is gone").isEqualTo(401);
      Files.writeString(tokens, good + "this line is not a token\n");
      assertThat(get(base + "/api/devices", viewer).statusCode()).as("a malformed line").isEqualTo(401);
      assertThat(get(base + "/api/devices", reviewer).statusCode()).isEqualTo(401);
      Files.writeString(tokens, good);
      assertThat(get(base + "/api/devices", viewer).statusCode()).as("fixed").isEqualTo(200);
    }
  }

  @Test
  void aSessionIsNotTheTokenAndEndsAtLogoutAndWhenItsTokenIsRevoked() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      HttpResponse<String> in = login(base, viewer, null);
      assertThat(in.statusCode()).isIn(302, 303);
      String session = cookie(in);
      assertThat(session).doesNotContain(viewer).doesNotContain(URLEncoder.encode(viewer, StandardCharsets.UTF_8));
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/api/devices")).header("Cookie", session)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      String csrf = Auth.csrf(session.substring(session.indexOf('=') + 1));
      HttpResponse<String> out = http.send(HttpRequest.newBuilder(URI.create(base + "/logout")).header("Cookie", session)
          .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(out.statusCode()).isEqualTo(200);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/devices")).header("Cookie", session).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("the old cookie after logout").isEqualTo(401);

      // a second session, then the token's line removed: the session ends with it
      String again = cookie(login(base, viewer, null));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/devices")).header("Cookie", again).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      Files.writeString(tokens, String.join("\n", Files.readAllLines(tokens).stream().filter(l -> !l.startsWith("vera ")).toList())
          + "\n");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/devices")).header("Cookie", again).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).as("revoked token, its session").isEqualTo(401);
    }
  }

  @Test
  void aLoginFromAnotherOriginIsRefused() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      HttpResponse<String> evil = login(base, viewer, "http://evil.example");
      assertThat(evil.statusCode()).isEqualTo(403);
      assertThat(evil.body()).contains("another origin").contains("evil.example");
      assertThat(evil.headers().firstValue("Set-Cookie")).isEmpty();
      HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
          .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(viewer, StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(crossSite.statusCode()).isEqualTo(403);
      assertThat(login(base, viewer, base).statusCode()).as("the app's own origin").isIn(302, 303);
    }
  }

  @Test
  void aGuesserGets429AfterTenWrongTokensAMinute() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      for (int i = 0; i < FailedLogins.LIMIT; i++) {
        assertThat(get(base + "/api/devices", "fc_wrong" + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> blocked = get(base + "/api/devices", "fc_wrong");
      assertThat(blocked.statusCode()).isEqualTo(429);
      assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
      assertThat(login(base, "fc_wrong", null).statusCode()).as("the login form too").isEqualTo(429);
    }
  }

  /**
   * The probe: {@code POST /api/labeling} with {@code Host: evil.example:6666} wrote links (HMAC
   * included) to that host; a {@code null} or {@code []} body made a batch of every frame, without
   * limit; {@code tag=a\=b} answered 500; pages could be framed by another site.
   */
  @Test
  void labelingLinksIgnoreTheHostHeaderAndOddBodiesAndTagsAre400() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      String evil;
      try (Socket s = new Socket("127.0.0.1", app.port())) {
        byte[] body = "{\"format\":\"labelstudio\",\"limit\":2}".getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST /api/labeling HTTP/1.1\r\nHost: evil.example:6666\r\nAuthorization: Bearer " + reviewer
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        evil = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(evil).startsWith("HTTP/1.1 200").doesNotContain("evil.example").contains(base + "/labeling/batch-");
      for (String odd : List.of("null", "[]", "42")) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/labeling"))
            .header("Authorization", "Bearer " + reviewer).POST(HttpRequest.BodyPublishers.ofString(odd)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(odd).isEqualTo(400);
        assertThat(r.body()).contains("JSON object");
      }
      HttpResponse<String> tag = get(base + "/api/frames?tag=" + URLEncoder.encode("a\\=b", StandardCharsets.UTF_8), viewer);
      assertThat(tag.statusCode()).isEqualTo(400);
      assertThat(tag.body()).contains("tag: key 'a\\\\'");
      assertThat(get(base + "/frames", viewer).headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("frame-ancestors 'none'");
    }
  }

  /**
   * The probe: a retained status with {@code "position": {"lat": "x"}} left the fleet table empty for
   * everyone. Now the API leaves a field of the wrong shape out and names it, and the page draws every
   * other device, checked in Chromium.
   */
  @Test
  void oneDevicesBadStatusCostsOnlyThatFieldNotTheFleetPage() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      Instant now = Instant.now();
      st.devices().update("cam-good", "online", "{\"backlog\": 3, \"fps\": 2.5, \"position\": {\"lat\": 48.1, \"lon\": 11.5},"
          + " \"tracks\": {\"active\": 2, \"started\": 9}}", now);
      st.devices().update("cam-bad", "online", "{\"backlog\": \"many\", \"fps\": 1, \"position\": {\"lat\": \"x\"},"
          + " \"rejectedBy\": [1], \"model\": {\"a\": 1}, \"tracks\": \"lots\"}", now);
      st.devices().update("cam-odd", "online", "[\"not\", \"an\", \"object\"]", now);
      String base = app.start();
      JsonNode devices = Json.MAPPER.readTree(get(base + "/api/devices", viewer).body());
      Map<String, JsonNode> byName = new HashMap<>();
      devices.forEach(d -> byName.put(d.get("device").asText(), d));
      assertThat(byName).containsOnlyKeys("cam-good", "cam-bad", "cam-odd");
      assertThat(byName.get("cam-good").get("position").get("lat").asDouble()).isEqualTo(48.1);
      assertThat(byName.get("cam-good").has("invalid")).isFalse();
      assertThat(byName.get("cam-good").at("/tracks/started").asInt()).as("the device's tracking counts").isEqualTo(9);
      assertThat(byName.get("cam-bad").has("position")).isFalse();
      assertThat(byName.get("cam-bad").get("fps").asInt()).isEqualTo(1);
      assertThat(byName.get("cam-bad").get("invalid")).extracting(JsonNode::asText)
          .containsExactlyInAnyOrder("backlog", "position", "rejectedBy", "model", "tracks");

      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/fleet_rows.py", base,
          viewer, "3"));
      assertThat(browser.waitFor(Duration.ofSeconds(90))).as(browser::output).isZero();
      String out = browser.output();
      JsonNode page = Json.MAPPER.readTree(out.substring(out.lastIndexOf("{\"rows\"")));
      assertThat(page.get("rows")).as(out).hasSize(3);
      List<String> first = new ArrayList<>();
      page.get("rows").forEach(r -> first.add(r.get("cells").get(0).asText()));
      assertThat(first).containsExactlyInAnyOrder("cam-good", "cam-bad", "cam-odd");
      page.get("rows").forEach(r -> {
        if (r.get("cells").get(0).asText().equals("cam-good")) {
          assertThat(r.get("cells").toString()).contains("48.100000, 11.500000");
        }
        if (r.get("cells").get(0).asText().equals("cam-bad")) {
          assertThat(r.get("class").asText()).contains("invalid");
        }
      });
    }
  }

  /**
   * The probe: 12 or more connections sending a login body at one byte a second stalled every page for
   * the whole attack. Now a body arrives without holding a thread, and one not complete in 10 s is
   * answered 408 and its connection closed.
   */
  @Test
  void slowBodiesOnManyConnectionsNeitherStallTheAppNorStayForever() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data")); WebApp app = app(st)) {
      String base = app.start();
      int attackers = 24;
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(attackers);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < attackers; i++) {
        answers.add(pool.submit(() -> drip(app.port(), stop)));
      }
      try {
        Thread.sleep(2000); // every attacker connected and dripping
        for (int i = 0; i < 5; i++) {
          assertThat(get(base + "/api/devices", viewer).statusCode()).as("a page during the attack").isEqualTo(200);
        }
        for (Future<String> a : answers) {
          assertThat(a.get()).as("a dripping body is cut off").startsWith("HTTP/1.1 408");
        }
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
    }
  }

  /** Sends a login with Content-Length 4000, a byte a second; returns the status line the app answered with. */
  private static String drip(int port, AtomicBoolean stop) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 4000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 4000 && !stop.get(); i++) {
        if (in.available() > 0) {
          break; // answered
        }
        try {
          out.write('a');
          out.flush();
        } catch (IOException closed) {
          break; // the app closed the connection after answering
        }
        Thread.sleep(1000);
      }
      byte[] line = new byte[12];
      int n = in.readNBytes(line, 0, line.length);
      return new String(line, 0, n, StandardCharsets.US_ASCII);
    }
  }
}
