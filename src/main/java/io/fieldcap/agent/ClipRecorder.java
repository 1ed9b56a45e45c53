package io.fieldcap.agent;

import io.fieldcap.config.CaptureConfig;
import io.fieldcap.config.ClipsConfig;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.SpoolConfig;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.json.Json;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.Frame;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event clips ({@code clips:}, {@code clip: true} on a rule): on the write stage's thread, every frame (kept or not)
 * at the clip frame rate is encoded to JPEG (redacted first, when privacy redaction is on) into a ring buffer of
 * the last {@code pre} seconds, bounded by {@code max-bytes}. A frame kept by a clip rule starts a clip with what
 * the buffer holds; later frames join it until {@code post} after the last frame a clip rule kept, or {@code max}
 * after its start. A finished clip is encoded to MP4 by ffmpeg on a thread of its own and stored in the spool as one
 * entry (the video, its per-frame labels as {@link ClipLabels}, {@code meta.clip}), durable, chunked, acked and
 * evicted like a frame.
 */
final class ClipRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClipRecorder.class);

  /** Where a finished clip goes (the spool), and where its sequence number comes from. */
  interface Store {
    void put(SpoolEntry clip);
  }

  private record Shot(long seq, Instant at, int width, int height, byte[] jpeg, LabelSet labels) {}

  private final ClipsConfig config;
  private final JpegEncoder jpeg;
  private final int quality;
  private final ClipEncoder encoder;
  private final Path scratch;
  private final Store store;
  private final LongSupplier sequence;
  private final Map<String, String> tags;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "clip-writer");
    t.setDaemon(true);
    return t;
  });
  private final ArrayDeque<Shot> ring = new ArrayDeque<>();
  private long ringBytes;
  private Instant lastBuffered;
  private volatile List<Shot> recording;
  private int trigger;
  private Instant started;
  private Instant lastTrigger;
  private String rule;
  private int priority;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong encodeNanos = new AtomicLong();

  ClipRecorder(ClipsConfig config, JpegEncoder jpeg, int quality, ClipEncoder encoder, Path scratch, Store store,
      LongSupplier sequence, Map<String, String> tags) {
    this.config = config;
    this.jpeg = jpeg;
    this.quality = quality;
    this.encoder = encoder;
    this.scratch = scratch;
    this.store = store;
    this.sequence = sequence;
    this.tags = tags;
  }

  /** The clip recorder of an agent whose capture rules record clips ({@code clip: true}), else null. */
  static ClipRecorder of(FieldcapConfig config, Spool spool) {
    if (config.capture().rules().stream().noneMatch(CaptureConfig.Rule::clip)) {
      return null;
    }
    SpoolConfig sc = config.spool();
    return new ClipRecorder(config.clips(), JpegEncoder.open(sc.jpegEncoder()), sc.jpegQuality(),
        new ClipEncoder(config.source().ffmpeg()), sc.dir().resolve("tmp"), spool::put, spool::nextSequence, config.tags());
  }

  /**
   * A frame, after selection and redaction: buffered or added to the clip being recorded; {@code kept} names the
   * clip rule that kept it (and its priority), or is null.
   */
  void offer(Frame f, LabelSet labels, String keptBy, int keptPriority) {
    Instant at = f.capturedAt();
    boolean due = wants(at, false);
    if (keptBy != null) {
      if (recording == null) {
        while (!ring.isEmpty() && Duration.between(ring.peekFirst().at(), at).compareTo(config.pre()) > 0) {
          ringBytes -= ring.removeFirst().jpeg().length; // no more than pre before the trigger itself
        }
        recording = new ArrayList<>(ring);
        ring.clear();
        ringBytes = 0;
        started = recording.isEmpty() ? at : recording.get(0).at();
        rule = keptBy;
        priority = keptPriority;
        trigger = -1;
      }
      lastTrigger = at;
      priority = Math.max(priority, keptPriority);
    }
    if (due || keptBy != null) {
      long t0 = System.nanoTime();
      Shot s = new Shot(f.seq(), at, f.width(), f.height(), jpeg.encode(f.width(), f.height(), f.bgr(), quality), labels);
      encodeNanos.addAndGet(System.nanoTime() - t0);
      lastBuffered = at;
      if (recording != null) {
        recording.add(s);
        if (trigger < 0 && keptBy != null) {
          trigger = recording.size() - 1;
        }
      } else {
        ring.addLast(s);
        ringBytes += s.jpeg().length;
      }
    }
    if (recording != null) {
      if (Duration.between(lastTrigger, at).compareTo(config.post()) >= 0
          || Duration.between(started, at).compareTo(config.max()) >= 0) {
        finish();
      }
    } else {
      while (!ring.isEmpty() && (Duration.between(ring.peekFirst().at(), at).compareTo(config.pre()) > 0
          || ringBytes > config.maxBytes())) {
        ringBytes -= ring.removeFirst().jpeg().length;
      }
    }
  }

  /** Whether a frame captured {@code at} goes into the buffer or the clip (it is due at the clip's frame rate, or a trigger). */
  boolean wants(Instant at, boolean trigger) {
    return trigger || lastBuffered == null
        || Duration.between(lastBuffered, at).toNanos() >= (long) (0.9e9 / config.fps()); // 10% slack for jitter
  }

  /** Ends the clip being recorded (if any) and hands it to the clip writer. */
  void finish() {
    if (recording == null || recording.isEmpty()) {
      recording = null;
      return;
    }
    List<Shot> shots = recording;
    recording = null;
    String byRule = rule;
    int prio = priority;
    int trig = Math.max(0, trigger);
    long seq = sequence.getAsLong();
    writer.execute(() -> write(shots, byRule, prio, trig, seq));
  }

  private void write(List<Shot> shots, String byRule, int prio, int trig, long seq) {
    Shot first = shots.get(0);
    try {
      long t0 = System.nanoTime();
      byte[] mp4 = encoder.encode(shots.stream().map(Shot::jpeg).toList(), config.fps(), scratch);
      encodeNanos.addAndGet(System.nanoTime() - t0);
      List<ClipLabels.Frame> frames = shots.stream().map(s -> new ClipLabels.Frame(s.seq(), s.at(), s.labels())).toList();
      String labels = new String(Json.encode(new ClipLabels(config.fps(), trig, frames)), StandardCharsets.UTF_8);
      Map<String, Object> clip = new LinkedHashMap<>();
      clip.put("fps", config.fps());
      clip.put("frames", shots.size());
      clip.put("trigger", trig);
      clip.put("start", first.at().toString());
      clip.put("end", shots.get(shots.size() - 1).at().toString());
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("clip", clip);
      if (!tags.isEmpty()) {
        meta.put("tags", tags);
      }
      store.put(new SpoolEntry(FrameId.of(first.at(), seq), seq, first.at(), first.width(), first.height(), mp4, null, prio,
          byRule, labels, new String(Json.encode(meta), StandardCharsets.UTF_8)));
      written.incrementAndGet();
      bytes.addAndGet(mp4.length);
      log.info("clip of {} frames ({} before the trigger) kept by {}: {} bytes", shots.size(), trig, byRule, mp4.length);
    } catch (Exception e) { // ffmpeg missing or failing, the spool full: the frames the rules kept are stored anyway
      failed.incrementAndGet();
      log.error("could not write the clip kept by {} ({} frames from {}): {}", byRule, shots.size(), first.at(), e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code {"written", "failed", "bytes", "recording"}} for the status. */
  Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("written", written.get());
    m.put("failed", failed.get());
    m.put("bytes", bytes.get());
    m.put("recording", recording == null ? 0 : 1);
    return m;
  }

  /** Nanoseconds spent encoding clip frames and videos so far (the clips' cost, for the benchmark). */
  long encodeNanos() {
    return encodeNanos.get();
  }

  /** Finishes the clip being recorded and waits (up to {@code wait}) for the clip writer to store what it has. */
  void close(Duration wait) {
    finish();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("stopping: a clip was still being encoded and is lost");
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
