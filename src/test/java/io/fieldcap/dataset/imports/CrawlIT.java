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
}
