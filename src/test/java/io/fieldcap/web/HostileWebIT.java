package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.store.LocalFrameStore;
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
import java.util.ArrayList;
import java.util.List;
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
      String csrf = WebApp.csrf(session.substring(session.indexOf('=') + 1));
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
