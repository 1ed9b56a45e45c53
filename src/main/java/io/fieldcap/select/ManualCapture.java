package io.fieldcap.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Capture now" requests, from {@code fieldcap capture-now} on the device (a small JSON file dropped
 * into the spool's {@code requests/} folder, so it works offline and without the agent's cooperation)
 * or from an MQTT command. Each request keeps the next frame that passes the quality gate, whatever
 * the rules and the duplicate filter say, with priority {@value #PRIORITY}; the frame records
 * {@code manual} and the request's tag as the rule that kept it.
 *
 * <p>Bounded, since anyone who can drop a file or publish a command can ask: at most {@value
 * #MAX_WAITING} requests wait, and requests are taken at one a second on average (a burst of {@value
 * #MAX_WAITING} at once); others are refused, counted ({@link #refused()}) and logged at most once a
 * minute. A poll reads at most {@value #MAX_FILES_PER_POLL} request files and deletes them all.
 */
public final class ManualCapture {
  private static final Logger log = LoggerFactory.getLogger(ManualCapture.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The priority of manually captured frames: sent first, evicted last. */
  public static final int PRIORITY = 100;

  static final int MAX_WAITING = 10;
  static final int MAX_FILES_PER_POLL = 100;
  private static final int MAX_TAG = 64;

  private final ConcurrentLinkedQueue<String> tags = new ConcurrentLinkedQueue<>();
  private final LongSupplier nanos;
  private double tokens = MAX_WAITING;
  private long last;
  private long refused;
  private long lastRefusalLog;

  public ManualCapture() {
    this(System::nanoTime);
  }

  ManualCapture(LongSupplier nanos) {
    this.nanos = nanos;
    this.last = nanos.getAsLong();
  }

  /**
   * Asks for the next frame, tagged {@code tag} (null for none; cut to 64 characters). Thread-safe.
   *
   * @return false when refused: too many requests wait, or they come faster than one a second
   */
  public synchronized boolean request(String tag) {
    long now = nanos.getAsLong();
    tokens = Math.min(MAX_WAITING, tokens + (now - last) / 1e9);
    last = now;
    if (tags.size() >= MAX_WAITING || tokens < 1) {
      refused++;
      if (lastRefusalLog == 0 || now - lastRefusalLog > 60_000_000_000L) {
        log.warn("capture now: refused a request ({} refused so far): at most {} wait, at one a second", refused, MAX_WAITING);
        lastRefusalLog = now;
      }
      return false;
    }
    tokens -= 1;
    String t = tag == null || tag.isBlank() ? "" : tag.strip();
    t = t.length() > MAX_TAG ? t.substring(0, MAX_TAG) : t;
    tags.add(t);
    log.info("capture now requested{}", t.isEmpty() ? "" : " (tag '" + t + "')");
    return true;
  }

  /** Requests refused so far. */
  public synchronized long refused() {
    return refused;
  }

  /** The next request's rule name ({@code manual} or {@code manual:TAG}), or null when none waits. */
  public String take() {
    String t = tags.poll();
    return t == null ? null : t.isEmpty() ? "manual" : "manual:" + t;
  }

  /** Reads an MQTT command payload: {@code {"cmd": "capture", "tag": "..."}}; false when it is not one. */
  public boolean command(byte[] payload) {
    try {
      JsonNode n = JSON.readTree(payload);
      if (!"capture".equals(n.path("cmd").asText())) {
        return false;
      }
      request(n.hasNonNull("tag") ? n.get("tag").asText() : null);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Picks up (and deletes) request files in {@code folder}; called every second by the agent. */
  public void poll(Path folder) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".json")).limit(MAX_FILES_PER_POLL).sorted().toList()) {
        long size = Files.size(p);
        if (size > 4096) {
          Files.deleteIfExists(p);
          log.warn("ignoring {}: {} bytes is too large for a capture request", p.getFileName(), size);
          continue;
        }
        byte[] body = Files.readAllBytes(p);
        Files.deleteIfExists(p);
        if (!command(body)) {
          log.warn("ignoring {}: not a capture request: {}", p.getFileName(), new String(body, StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      log.warn("cannot read capture requests in {}: {}", folder, e.getMessage());
    }
  }

  /** Writes a request file for a running agent to pick up (what {@code fieldcap capture-now} does). */
  public static Path writeRequest(Path folder, String tag) throws IOException {
    Files.createDirectories(folder);
    Path tmp = Files.createTempFile(folder, "capture-", ".part");
    Files.writeString(tmp, JSON.writeValueAsString(tag == null ? Map.of("cmd", "capture")
        : Map.of("cmd", "capture", "tag", tag)));
    Path done = folder.resolve(tmp.getFileName().toString().replace(".part", ".json"));
    Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
    return done;
  }
}
