package io.fieldcap.bench;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.web.Tokens;
import io.fieldcap.web.WebApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Page loads of the web app over a store of {@code frames} synthetic frames: the gallery's first
 * page, a page a third of the way down (by its keyset cursor), a device filter, and a rare class
 * (1% of the frames, all older than the rest: the worst case, every newer frame passed over).
 * Median and worst of 20 requests each from a client on the same machine. Then the review queue's
 * next frame in each order (and for one device), and its counters.
 */
public final class WebBench {
  private WebBench() {}

  public static Map<String, Object> run(int frames, Path work) throws Exception {
    return run(frames, work, null);
  }

  /**
   * With {@code browser} (scripts/bench-editor.py), also the editor in Chromium: a 1920x1080 frame with
   * 300 reviewed boxes opened and dragged over, and a reviewer correcting 50 queued frames.
   */
  public static Map<String, Object> run(int frames, Path work, Path browser) throws Exception {
    Path data = work.resolve("data");
    Synthetic synthetic = Synthetic.image(data);
    LabelSet rare = new LabelSet("bench.onnx", List.of(new Detection("bicycle", 0.7, new Box(5, 5, 20, 20))));
    int rareCount = Math.max(1, frames / 100);
    Map<String, Object> r = new LinkedHashMap<>();
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      long t0 = System.nanoTime();
      synthetic.frames(store, "rare", rareCount, Instant.parse("2026-01-01T00:00:00Z"), rare);
      synthetic.frames(store, "bench", frames - rareCount, Instant.parse("2026-06-01T00:00:00Z"), Synthetic.TWO_BOXES);
      r.put("frames", frames);
      r.put("insertSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
      Path tokens = work.resolve("tokens");
      String token = Tokens.add(tokens, "bench", Tokens.Role.VIEWER);
      try (WebApp app = new WebApp(store, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
        String base = app.start();
        HttpClient http = HttpClient.newHttpClient();
        String first = get(http, base + "/api/frames?limit=48", token);
        // a cursor a third of the way down: the frame captured (frames / 3) seconds after the newest's start
        Instant third = Instant.parse("2026-06-01T00:00:00Z").plusSeconds((frames - rareCount) * 2L / 3);
        String cursor = third + "|bench|" + FrameId.of(third, (frames - rareCount) * 2L / 3).value();
        r.put("firstPage", time(http, base + "/api/frames?limit=48", token));
        r.put("pageAThirdDown", time(http, base + "/api/frames?limit=48&after=" + enc(cursor), token));
        r.put("deviceFilter", time(http, base + "/api/frames?limit=48&device=rare", token));
        r.put("rareClassFilter", time(http, base + "/api/frames?limit=48&class=bicycle", token));
        r.put("galleryHtml", time(http, base + "/frames", token));
        r.put("firstPageFrames", Json.MAPPER.readTree(first).path("frames").size());
        // the review queue: every frame is unreviewed, so "next" is one step along the queue's index
        String reviewer = Tokens.add(tokens, "bench-reviewer", Tokens.Role.REVIEWER);
        for (String order : List.of("uncertain", "rule", "oldest")) {
          r.put("reviewNext-" + order, time(http, base + "/api/review/next?order=" + order, reviewer));
        }
        r.put("reviewNext-device", time(http, base + "/api/review/next?order=uncertain&device=rare", reviewer));
        r.put("reviewStats", time(http, base + "/api/review/stats", reviewer));
        if (browser != null) {
          r.put("editor", EditorBench.run(store, base, reviewer, browser, work));
        }
      }
    }
    return r;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String get(HttpClient http, String url, String token) throws Exception {
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IllegalStateException(url + ": HTTP " + res.statusCode() + " " + res.body());
    }
    return res.body();
  }

  /** Median and worst milliseconds of 20 requests (after 3 to warm up). */
  private static Map<String, Object> time(HttpClient http, String url, String token) throws Exception {
    for (int i = 0; i < 3; i++) {
      get(http, url, token);
    }
    double[] ms = new double[20];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      get(http, url, token);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("medianMs", Math.round(ms[ms.length / 2] * 10) / 10.0);
    m.put("worstMs", Math.round(ms[ms.length - 1] * 10) / 10.0);
    return m;
  }
}
