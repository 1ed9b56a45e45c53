package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --format urls} through the jar against a local HTTP server with a robots.txt: real
 * photos stored with their URL and license, robots.txt obeyed (its {@code fieldcap} group), one host
 * spaced by the rate limit, a User-Agent naming fieldcap, a 503 retried, wrong types, fake images and
 * oversized bodies refused, a copy skipped by content, and a crawl resumed without fetching again
 * what it had done.
 */
class CrawlIT {
  @TempDir Path tmp;
  private HttpServer server;
  private final List<String[]> requests = new CopyOnWriteArrayList<>(); // path, millis, user agent
  private final AtomicInteger flaky = new AtomicInteger();
  private volatile boolean downIsDown = true;

  private static void reply(HttpExchange x, int status, String type, byte[] body) throws java.io.IOException {
    if (type != null) {
      x.getResponseHeaders().add("Content-Type", type);
    }
    x.getResponseHeaders().add("Last-Modified", "Tue, 03 Nov 2026 10:00:00 GMT");
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  private String start() throws Exception {
    byte[] fruits = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    byte[] baboon = Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg")); // 180 kB
    byte[] png = Files.readAllBytes(TestMedia.samples().resolve("box.png"));
    byte[] orange = Files.readAllBytes(TestMedia.samples().resolve("orange.jpg"));
    Map<String, Object[]> routes = Map.of(
        "/robots.txt", new Object[] {200, "text/plain", ("User-agent: *\nDisallow: /private/\n\n"
            + "User-agent: fieldcap\nDisallow: /private/\nDisallow: /nofieldcap/\n").getBytes(StandardCharsets.UTF_8)},
        "/img/fruits.jpg", new Object[] {200, "image/jpeg", fruits},
        "/img/again/fruits-copy.jpg", new Object[] {200, "image/jpeg", fruits},
        "/img/box.png", new Object[] {200, "image/png", png},
        "/img/page.jpg", new Object[] {200, "text/html", "<html>not an image</html>".getBytes(StandardCharsets.UTF_8)},
        "/img/fake.jpg", new Object[] {200, "image/jpeg", "<html>not an image</html>".getBytes(StandardCharsets.UTF_8)},
        "/img/baboon.jpg", new Object[] {200, "image/jpeg", baboon},
        "/private/secret.jpg", new Object[] {200, "image/jpeg", orange},
        "/nofieldcap/orange.jpg", new Object[] {200, "image/jpeg", orange});
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      String path = x.getRequestURI().getPath();
      requests.add(new String[] {path, Long.toString(System.currentTimeMillis()), x.getRequestHeaders().getFirst("User-Agent")});
      if (path.equals("/img/flaky.jpg")) {
        if (flaky.incrementAndGet() == 1) {
          reply(x, 503, "text/plain", new byte[0]);
        } else {
          reply(x, 200, "image/jpeg", orange);
        }
        return;
      }
      if (path.equals("/img/down.jpg")) {
        if (downIsDown) {
          reply(x, 500, "text/plain", new byte[0]);
        } else {
          reply(x, 200, "image/jpeg", Files.readAllBytes(TestMedia.samples().resolve("building.jpg")));
        }
        return;
      }
      Object[] r = routes.get(path);
      if (r == null) {
        reply(x, 404, "text/plain", new byte[0]);
      } else {
        reply(x, (Integer) r[0], (String) r[1], (byte[]) r[2]);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void givenAListOfUrls_thenThePoliteCrawlerStoresTheImagesOnceWithProvenanceAndResumes() throws Exception {
    String base = start();
    Path list = tmp.resolve("urls.txt");
    Files.writeString(list, String.join("\n", "# photos for the orchard model",
        base + "/img/fruits.jpg\tCC-BY-4.0",
        base + "/img/again/fruits-copy.jpg CC0-1.0",
        base + "/img/box.png",
        base + "/img/page.jpg",
        base + "/img/fake.jpg",
        base + "/img/baboon.jpg",
        base + "/private/secret.jpg",
        base + "/nofieldcap/orange.jpg",
        base + "/img/flaky.jpg",
        base + "/img/down.jpg",
        "ftp://example.invalid/x.jpg", ""));
    Path data = tmp.resolve("data");
    LocalFrameStore.open(data).close();
    ChildProcess p = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "urls", "--in",
        list.toString(), "--source", "web", "--rate", "5", "--max-bytes", "150KiB", "--retries", "2", "--contact",
        "ml-team@example.org");
    assertThat(p.exitCode()).as(p::output).isEqualTo(1);
    assertThat(p.output()).contains("11 URLs: 3 stored as frames of web, 1 duplicates, 6 refused, 1 failed");
    assertThat(p.output()).contains("/img/page.jpg: refused: Content-Type 'text/html' is not image/jpeg or image/png",
        "/img/fake.jpg: refused: not an image", "/img/baboon.jpg: refused: 179920 bytes, over the limit of 153600",
        "/private/secret.jpg: refused: robots.txt of " + base + " disallows it", "/nofieldcap/orange.jpg: refused: robots.txt",
        "/img/down.jpg: failed: HTTP 500 after 3 tries", "fruits-copy.jpg: duplicate", "ftp://example.invalid/x.jpg: refused");
    List<String> paths = requests.stream().map(r -> r[0]).toList();
    assertThat(paths).first().isEqualTo("/robots.txt");
    assertThat(paths).doesNotContain("/private/secret.jpg", "/nofieldcap/orange.jpg");
    assertThat(requests).allMatch(r -> r[2].startsWith("fieldcap/") && r[2].contains("ml-team@example.org"));
    for (int i = 1; i < requests.size(); i++) {
      long gap = Long.parseLong(requests.get(i)[1]) - Long.parseLong(requests.get(i - 1)[1]);
      assertThat(gap).as("requests to one host at most 5 a second").isGreaterThanOrEqualTo(190);
    }
    assertThat(flaky.get()).as("the 503 was retried").isEqualTo(2);

    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(frames::add);
    }
    Map<String, StoredFrame> byUrl = frames.stream().collect(Collectors.toMap(f -> String.valueOf(f.meta().get("url")), f -> f));
    assertThat(byUrl.keySet()).containsExactlyInAnyOrder(base + "/img/fruits.jpg", base + "/img/box.png", base + "/img/flaky.jpg");
    StoredFrame fruits = byUrl.get(base + "/img/fruits.jpg");
    assertThat(fruits.meta()).containsEntry("license", "CC-BY-4.0").containsKey("fetchedAt");
    assertThat(fruits.capturedAt().toString()).as("Last-Modified").isEqualTo("2026-11-03T10:00:00Z");
    assertThat(Files.readAllBytes(fruits.image().fetch())).isEqualTo(Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg")));
    assertThat(byUrl.get(base + "/img/box.png").image().key()).endsWith(".png");

    // the server is mended; the crawl resumes: only the failed URL is fetched again
    downIsDown = false;
    requests.clear();
    ChildProcess again = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "urls", "--in",
        list.toString(), "--source", "web", "--rate", "5", "--max-bytes", "150KiB");
    assertThat(again.exitCode()).as(again::output).isZero();
    assertThat(again.output()).contains("11 URLs: 1 stored as frames of web, 0 duplicates, 0 refused, 0 failed", "10 done in an earlier run");
    assertThat(requests.stream().map(r -> r[0]).toList()).containsExactly("/robots.txt", "/img/down.jpg");
  }

  /** A server on its own port (another origin): each path answered by its handler; handlers may block (a pool). */
  private HttpServer serve(Map<String, com.sun.net.httpserver.HttpHandler> routes) throws Exception {
    HttpServer h = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    h.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    h.createContext("/", x -> {
      requests.add(new String[] {h.getAddress().getPort() + x.getRequestURI().getPath(), Long.toString(System.currentTimeMillis()),
          x.getRequestHeaders().getFirst("User-Agent")});
      com.sun.net.httpserver.HttpHandler r = routes.get(x.getRequestURI().getPath());
      if (r == null) {
        reply(x, 404, "text/plain", new byte[0]);
      } else {
        r.handle(x);
      }
    });
    h.start();
    others.add(h);
    return h;
  }

  private final List<HttpServer> others = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopOthers() {
    others.forEach(h -> h.stop(0));
  }

  private static com.sun.net.httpserver.HttpHandler text(String body) {
    return x -> reply(x, 200, "text/plain", body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends headers for {@code total} bytes, then one byte every {@code millis}: an answer that never ends in time. */
  private static com.sun.net.httpserver.HttpHandler drip(String type, int total, long millis) {
    return x -> {
      x.getResponseHeaders().add("Content-Type", type);
      x.sendResponseHeaders(200, total);
      try (OutputStream o = x.getResponseBody()) {
        for (int i = 0; i < total; i++) {
          o.write('a');
          o.flush();
          Thread.sleep(millis);
        }
      } catch (java.io.IOException | InterruptedException gone) {
        // the crawler hung up: as it should
      }
    };
  }

  /**
   * The probe (issue 27): a redirect to another host was followed without its robots.txt (and the frame
   * named the first URL); a body dripping a byte every 2 s, or a stalled robots.txt, hung past 75 s with
   * --timeout 10s; {@code Crawl-delay: 86400} was obeyed. Now each hop's robots.txt is read, the frame
   * names where its bytes came from, each answer is cut at --timeout, and a host asking for more than a
   * minute between requests is refused.
   */
  @Test
  void redirectsSlowAnswersAndGreedyRobotsAreHandledAsAPoliteCrawlerMust() throws Exception {
    byte[] fruits = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    byte[] orange = Files.readAllBytes(TestMedia.samples().resolve("orange.jpg"));
    HttpServer closed = serve(Map.of("/robots.txt", text("User-agent: *\nDisallow: /\n"),
        "/img/orange.jpg", x -> reply(x, 200, "image/jpeg", orange)));
    String closedBase = "http://127.0.0.1:" + closed.getAddress().getPort();
    HttpServer stalled = serve(Map.of("/robots.txt", drip("text/plain", 100, 2000),
        "/img/orange.jpg", x -> reply(x, 200, "image/jpeg", orange)));
    HttpServer greedy = serve(Map.of("/robots.txt", text("User-agent: *\nCrawl-delay: 86400\n"),
        "/img/orange.jpg", x -> reply(x, 200, "image/jpeg", orange)));
    HttpServer open = serve(Map.of(
        "/img/to-closed.jpg", x -> {
          x.getResponseHeaders().add("Location", closedBase + "/img/orange.jpg");
          reply(x, 302, "text/plain", new byte[0]);
        },
        "/img/moved.jpg", x -> {
          x.getResponseHeaders().add("Location", "/img/fruits.jpg");
          reply(x, 301, "text/plain", new byte[0]);
        },
        "/img/fruits.jpg", x -> reply(x, 200, "image/jpeg", fruits),
        "/img/drip.jpg", drip("image/jpeg", 5000, 2000)));
    String openBase = "http://127.0.0.1:" + open.getAddress().getPort();
    Path list = tmp.resolve("urls.txt");
    Files.writeString(list, String.join("\n", openBase + "/img/to-closed.jpg", openBase + "/img/moved.jpg CC0-1.0",
        openBase + "/img/drip.jpg", "http://127.0.0.1:" + stalled.getAddress().getPort() + "/img/orange.jpg",
        "http://127.0.0.1:" + greedy.getAddress().getPort() + "/img/orange.jpg", ""));
    Path data = tmp.resolve("data");
    LocalFrameStore.open(data).close();
    ChildProcess p = ChildProcess.fieldcap("import", "--data-dir", data.toString(), "--format", "urls", "--in",
        list.toString(), "--source", "web", "--rate", "20", "--retries", "0", "--timeout", "3s");
    assertThat(p.waitFor(java.time.Duration.ofSeconds(90))).as("the crawl ends: every answer is cut at --timeout")
        .isEqualTo(1);
    String out = p.output();
    assertThat(out).contains("5 URLs: 1 stored as frames of web, 0 duplicates, 3 refused, 1 failed");
    assertThat(out).contains("/img/to-closed.jpg: refused: robots.txt of " + closedBase + " disallows it (redirected to "
        + closedBase + "/img/orange.jpg)");
    assertThat(out).contains("/img/drip.jpg: failed: network: no complete answer within 3 s");
    assertThat(out).contains(stalled.getAddress().getPort() + "/img/orange.jpg: refused: robots.txt of");
    assertThat(out).contains("asks for 86400.0 s between requests, more than fieldcap waits (60.0 s)");
    assertThat(requests.stream().map(r -> r[0]).toList()).as("nothing fetched from a host that said no")
        .doesNotContain(closed.getAddress().getPort() + "/img/orange.jpg", stalled.getAddress().getPort() + "/img/orange.jpg",
            greedy.getAddress().getPort() + "/img/orange.jpg");
    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(frames::add);
    }
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(f.meta()).containsEntry("url", openBase + "/img/fruits.jpg")
          .containsEntry("requestedUrl", openBase + "/img/moved.jpg").containsEntry("license", "CC0-1.0");
    });
  }
}
