package io.fieldcap.dataset.imports;

import io.fieldcap.dataset.format.ImageFile;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@code import --format urls --in LIST --source NAME}: images fetched by URL with a polite crawler's
 * manners. Each host's robots.txt is fetched first and obeyed (the {@code fieldcap} group, else
 * {@code *}; unreachable robots.txt means no fetching from that host), for every hop of a redirect;
 * requests to one host are spaced by the rate limit or the host's Crawl-delay, whichever is longer (a
 * host asking for more than a minute is not crawled); each answer must be complete, body and all,
 * within {@code --timeout}; every request names fieldcap in
 * its User-Agent; network errors, 429 and 5xx answers are retried with exponential backoff (honouring
 * Retry-After); bodies over the size limit and anything that is not a JPEG or PNG (by Content-Type
 * and by its first bytes) are refused; images already stored (by SHA-256) are duplicates. Each frame
 * keeps its URL, fetch time and the list's license. Every URL's outcome is logged in the store, so a
 * crawl that was interrupted resumes: URLs with a final outcome are not fetched again.
 *
 * <p>The list: one URL per line, optionally followed by whitespace or a tab and the image's license;
 * blank lines and lines starting with {@code #} are skipped.
 */
public final class Crawler {
  /** Crawl settings. */
  public record Options(double requestsPerSecondPerHost, long maxBytes, int retries, Duration timeout, String contact) {}

  /** What a crawl did. */
  public record Result(int urls, int stored, int duplicates, int refused, int failed, int skipped) {}

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  /** Redirects followed at most, for an image and for a robots.txt (RFC 9309 asks for at least five). */
  static final int MAX_REDIRECTS = 5;
  /** The longest Crawl-delay waited for; a host asking for more is not crawled (its URLs refused, saying so). */
  static final double MAX_CRAWL_DELAY_SECONDS = 60;

  private final LocalFrameStore store;
  private final String source;
  private final Options o;
  private final Clock clock;
  private final Fetcher fetcher;
  private final Map<String, Robots> robots = new HashMap<>();
  private final Map<String, Long> nextRequest = new HashMap<>();

  public Crawler(LocalFrameStore store, String source, Options o, Clock clock, String version) {
    this.store = store;
    this.source = source;
    this.o = o;
    this.clock = clock;
    this.fetcher = new Fetcher(o.timeout(), "fieldcap/" + version + " (dataset import"
        + (o.contact() == null ? "" : "; " + o.contact()) + ")");
  }

  /** The URL and license of each line of the list. */
  static List<String[]> list(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("[\\t ,]+", 2);
      out.add(new String[] {parts[0], parts.length > 1 ? parts[1].strip() : null});
    }
    return out;
  }

  public Result run(Path listFile, PrintWriter log) throws IOException, InterruptedException {
    List<String[]> urls = list(listFile);
    int stored = 0;
    int dup = 0;
    int refused = 0;
    int failed = 0;
    int skipped = 0;
    for (String[] entry : urls) {
      String url = entry[0];
      String before = store.crawlLog().outcome(source, url);
      if (before != null && !before.equals("failed")) {
        skipped++; // done in an earlier run
        continue;
      }
      String[] outcome = fetch(url, entry[1]);
      store.crawlLog().record(source, url, outcome[0], outcome[1], outcome[2], clock.instant());
      switch (outcome[0]) {
        case "stored" -> stored++;
        case "duplicate" -> dup++;
        case "refused" -> refused++;
        default -> failed++;
      }
      if (log != null && !outcome[0].equals("stored")) {
        log.println("import urls: " + url + ": " + outcome[0] + (outcome[1] == null ? "" : ": " + outcome[1]));
        log.flush();
      }
    }
    return new Result(urls.size(), stored, dup, refused, failed, skipped);
  }

  /** {outcome, reason, frame id}. */
  private String[] fetch(String url, String license) throws IOException, InterruptedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return new String[] {"refused", "not a URL: " + e.getMessage(), null};
    }
    Fetcher.Answer resp = null;
    String lastError = null;
    // each hop of a redirect is a URL of its own: its scheme checked and its host's robots.txt obeyed
    for (int hop = 0; ; hop++) {
      String problem = fetchable(uri);
      if (problem != null) {
        return new String[] {"refused", problem + (hop > 0 ? " (redirected to " + uri + ")" : ""), null};
      }
      String host = origin(uri);
      Robots r = robots(host);
      String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      if (!r.allows(path)) {
        return new String[] {"refused", "robots.txt of " + host + " disallows it" + (hop > 0 ? " (redirected to " + uri + ")" : ""),
            null};
      }
      if (r.crawlDelaySeconds() > MAX_CRAWL_DELAY_SECONDS) {
        return new String[] {"refused", "robots.txt of " + host + " asks for " + r.crawlDelaySeconds() + " s between requests,"
            + " more than fieldcap waits (" + MAX_CRAWL_DELAY_SECONDS + " s)", null};
      }
      resp = null;
      for (int attempt = 0; attempt <= o.retries(); attempt++) {
        if (attempt > 0) {
          Thread.sleep(backoffMillis(attempt, resp));
        }
        resp = null;
        try {
          resp = send(host, uri, r, o.maxBytes(), info -> image(info) && declared(info) <= o.maxBytes());
        } catch (Fetcher.TooLarge e) {
          return new String[] {"refused", e.getMessage(), null};
        } catch (IOException e) {
          lastError = "network: " + e.getMessage();
          continue;
        }
        if (resp.status() == 429 || resp.status() >= 500) {
          lastError = "HTTP " + resp.status();
          continue;
        }
        break;
      }
      if (resp == null || resp.status() == 429 || resp.status() >= 500) {
        return new String[] {"failed", lastError + " after " + (o.retries() + 1) + " tries", null};
      }
      String location = resp.headers().firstValue("Location").orElse(null);
      if (resp.status() / 100 != 3 || location == null) {
        break;
      }
      if (hop == MAX_REDIRECTS) {
        return new String[] {"refused", "more than " + MAX_REDIRECTS + " redirects", null};
      }
      try {
        uri = uri.resolve(new URI(location));
      } catch (URISyntaxException e) {
        return new String[] {"refused", "a redirect to something that is not a URL: " + location, null};
      }
    }
    if (resp.status() != 200) {
      return new String[] {"refused", "HTTP " + resp.status(), null};
    }
    String type = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (resp.body() == null) {
      long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
      return new String[] {"refused", declared > o.maxBytes() ? declared + " bytes, over the limit of " + o.maxBytes()
          : "Content-Type '" + type + "' is not image/jpeg or image/png", null};
    }
    Path tmp = store.tmp().resolve("crawl." + UUID.randomUUID() + ".part");
    try {
      byte[] bytes = resp.body();
      Files.write(tmp, bytes);
      ImageFile img;
      try {
        img = ImageFile.read(tmp);
      } catch (IOException e) {
        return new String[] {"refused", "not an image: " + e.getMessage(), null};
      }
      String sha = Sha256.hex(bytes);
      String existing = store.frameWithSha(source, sha);
      if (existing != null) {
        return new String[] {"duplicate", "the same bytes as frame " + source + "/" + existing, existing};
      }
      Instant now = clock.instant();
      Instant at = resp.headers().firstValue("Last-Modified").map(Crawler::httpDate).orElse(now)
          .truncatedTo(ChronoUnit.MILLIS);
      long seq = Long.parseUnsignedLong(sha.substring(0, 15), 16);
      String id = FrameId.of(at, seq).value();
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("source", source);
      meta.put("url", uri.toString()); // where the bytes came from, after any redirect
      if (!uri.toString().equals(url)) {
        meta.put("requestedUrl", url);
      }
      meta.put("fetchedAt", now.toString());
      if (license != null) {
        meta.put("license", license);
      }
      meta.put("keptBy", "import");
      store.storeImported(source, id, seq, at, tmp, sha, bytes.length, img.width(), img.height(), img.contentType(), meta, now);
      store.measure(source, id);
      return new String[] {"stored", null, id};
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Null when {@code uri} may be fetched (http or https, with a host), else why not. */
  private static String fetchable(URI uri) {
    if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null) {
      return "only http and https URLs are fetched";
    }
    return null;
  }

  private static String origin(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static long declared(HttpResponse.ResponseInfo info) {
    return info.headers().firstValueAsLong("Content-Length").orElse(-1);
  }

  /** Whether an answer's body is worth reading: a JPEG or PNG by its Content-Type. */
  private static boolean image(HttpResponse.ResponseInfo info) {
    String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    return type.startsWith("image/jpeg") || type.startsWith("image/png");
  }

  private static Instant httpDate(String v) {
    try {
      return ZonedDateTime.parse(v, HTTP_DATE).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private long backoffMillis(int attempt, Fetcher.Answer last) {
    if (last != null) {
      var after = last.headers().firstValueAsLong("Retry-After");
      if (after.isPresent()) {
        return Math.min(60_000, after.getAsLong() * 1000);
      }
    }
    return Math.min(30_000, 500L << (attempt - 1)); // 0.5 s, 1 s, 2 s, ...
  }

  /** Waits for the host's turn, then sends: the whole answer within {@code --timeout}. */
  private Fetcher.Answer send(String host, URI uri, Robots r, long maxBytes, Predicate<HttpResponse.ResponseInfo> wanted)
      throws IOException, InterruptedException {
    long spacing = (long) (1000 * Math.max(1 / o.requestsPerSecondPerHost(), r == null ? 0 : r.crawlDelaySeconds()));
    long now = System.currentTimeMillis();
    long at = nextRequest.getOrDefault(host, now);
    if (at > now) {
      Thread.sleep(at - now);
    }
    try {
      return fetcher.get(uri, o.timeout(), maxBytes, wanted);
    } finally {
      nextRequest.put(host, System.currentTimeMillis() + spacing); // spaced from the answer, not from the asking
    }
  }

  /**
   * The host's robots.txt (RFC 9309): following up to five redirects; 4xx allows everything; a server
   * error, no answer, or an answer not complete within {@code --timeout} disallows everything.
   */
  private Robots robots(String host) throws InterruptedException {
    Robots r = robots.get(host);
    if (r != null) {
      return r;
    }
    r = Robots.DISALLOW_ALL;
    URI uri = URI.create(host + "/robots.txt");
    try {
      for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        Fetcher.Answer resp = send(origin(uri), uri, null, 512 * 1024, info -> true);
        int s = resp.status();
        String location = resp.headers().firstValue("Location").orElse(null);
        if (s / 100 == 3 && location != null) {
          uri = uri.resolve(new URI(location));
          if (fetchable(uri) != null) {
            break;
          }
          continue;
        }
        if (s == 200) {
          r = Robots.parse(new String(resp.body(), StandardCharsets.UTF_8));
        } else if (s >= 400 && s < 500) {
          r = Robots.ALLOW_ALL; // RFC 9309: robots.txt unavailable, crawl
        } // else RFC 9309: unreachable, assume complete disallow
        break;
      }
    } catch (IOException | URISyntaxException e) {
      r = Robots.DISALLOW_ALL;
    }
    robots.put(host, r);
    return r;
  }
}
