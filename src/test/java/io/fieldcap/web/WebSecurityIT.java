package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import io.fieldcap.transport.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's access rules, each role's 401/403, the login cookie and its CSRF token, and HTTPS with
 * the certificates scripts/gen-certs.sh writes.
 */
class WebSecurityIT {
  @TempDir Path tmp;
  private Path tokens;
  private String viewer;
  private String reviewer;
  private String admin;
  private String frame;

  @BeforeEach
  void setUp() throws Exception {
    SampleStore.create(tmp.resolve("data"));
    tokens = tmp.resolve("tokens");
    viewer = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    reviewer = Tokens.add(tokens, "rob", Tokens.Role.REVIEWER);
    admin = Tokens.add(tokens, "ada", Tokens.Role.ADMIN);
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data"))) {
      List<io.fieldcap.store.StoredFrame> all = new java.util.ArrayList<>();
      st.forEach(all::add);
      frame = all.get(0).device() + "/" + all.get(0).frameId();
    }
  }

  private static HttpResponse<String> send(HttpClient c, HttpRequest.Builder b) throws Exception {
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder review(String base, String frame, String action) {
    return HttpRequest.newBuilder(URI.create(base + "/api/frames/" + frame + "/review"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + action + "\"}"));
  }

  @Test
  void givenEachRole_thenEachGetsWhatItMayAndTheCookieNeedsItsCsrfToken() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data"));
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      HttpClient c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/api/frames"))).statusCode()).isEqualTo(401);
      assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/api/frames")).header("Authorization", "Bearer " + viewer + "x"))
          .statusCode()).isEqualTo(401);
      for (String token : List.of(viewer, reviewer, admin)) {
        assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/api/frames?limit=1")).header("Authorization", "Bearer " + token))
            .statusCode()).isEqualTo(200);
      }
      assertThat(send(c, review(base, frame, "flag").header("Authorization", "Bearer " + viewer)).statusCode()).isEqualTo(403);
      assertThat(send(c, review(base, frame, "flag").header("Authorization", "Bearer " + reviewer)).statusCode()).isEqualTo(200);
      assertThat(send(c, review(base, frame, "accept").header("Authorization", "Bearer " + admin)).statusCode()).isEqualTo(200);
      assertThat(send(c, review(base, frame, "dance").header("Authorization", "Bearer " + admin)).body())
          .contains("action: 'dance' is not accept, reject, flag or relabel");

      // the login form sets an HttpOnly, SameSite=Strict cookie; an action with it needs the CSRF token
      HttpResponse<String> login = send(c, HttpRequest.newBuilder(URI.create(base + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(reviewer, "UTF-8"))));
      assertThat(login.statusCode()).isIn(302, 303);
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
      String pair = cookie.substring(0, cookie.indexOf(';'));
      HttpResponse<String> page = send(c, HttpRequest.newBuilder(URI.create(base + "/frames")).header("Cookie", pair));
      assertThat(page.statusCode()).isEqualTo(200);
      String csrf = page.body().replaceAll("(?s).*data-csrf=\"([0-9a-f]+)\".*", "$1");
      assertThat(csrf).hasSize(64);
      assertThat(send(c, review(base, frame, "flag").header("Cookie", pair)).statusCode()).as("no CSRF token").isEqualTo(403);
      assertThat(send(c, review(base, frame, "flag").header("Cookie", pair).header("X-CSRF-Token", csrf.replace('a', 'b')
          .replace('1', '2'))).statusCode()).as("a wrong one").isEqualTo(403);
      assertThat(send(c, review(base, frame, "flag").header("Cookie", pair).header("X-CSRF-Token", csrf)).statusCode())
          .isEqualTo(200);
      assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type",
          "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=nope"))).statusCode()).isEqualTo(401);
      // pages without a token go to the login form; a removed token stops working without a restart
      assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/"))).headers().firstValue("Location").orElse(""))
          .endsWith("/login");
      java.nio.file.Files.writeString(tokens, java.nio.file.Files.readAllLines(tokens).stream().filter(l -> !l.startsWith("vera "))
          .map(l -> l + "\n").reduce("", String::concat));
      assertThat(send(c, HttpRequest.newBuilder(URI.create(base + "/api/frames")).header("Authorization", "Bearer " + viewer))
          .statusCode()).as("revoked").isEqualTo(401);
    }
  }

  @Test
  void givenACertificateAndKey_thenTheAppServesHttpsOnly() throws Exception {
    Path certs = tmp.resolve("certs");
    ChildProcess gen = ChildProcess.start(List.of("scripts/gen-certs.sh", certs.toString(), "cam-1"));
    assertThat(gen.waitFor(Duration.ofSeconds(60))).as(gen::output).isZero();
    try (LocalFrameStore st = LocalFrameStore.open(tmp.resolve("data"));
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, certs.resolve("broker.pem"),
            certs.resolve("broker.key")))) {
      String base = app.start();
      assertThat(base).startsWith("https://");
      HttpClient trusted = HttpClient.newBuilder().sslContext(Tls.context(certs.resolve("ca.pem"), null, null)).build();
      HttpResponse<String> r = send(trusted, HttpRequest.newBuilder(URI.create(base + "/api/devices"))
          .header("Authorization", "Bearer " + viewer));
      assertThat(r.statusCode()).isEqualTo(200);
      HttpResponse<String> login = send(trusted, HttpRequest.newBuilder(URI.create(base + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(viewer, "UTF-8"))));
      assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).as("over HTTPS the cookie is Secure").contains("Secure");
      HttpClient plain = HttpClient.newHttpClient();
      String http = base.replace("https://", "http://");
      int[] status = {0};
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> status[0] = send(plain,
          HttpRequest.newBuilder(URI.create(http + "/api/devices")).header("Authorization", "Bearer " + viewer)).statusCode());
      assertThat(t != null || status[0] != 200).as("no plain HTTP answer with data (status %d)", status[0]).isTrue();
    }
  }
}
