package io.fieldcap.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code capture} section: the capture rules, each with its type's settings, priority and budget, and the overall budget. */
final class CaptureSection {
  private CaptureSection() {}

  static CaptureConfig capture(Section s) {
    List<CaptureConfig.Rule> rules = new ArrayList<>();
    for (var e : s.mappings("rules").entrySet()) {
      rules.add(rule(e.getKey(), e.getValue()));
    }
    CaptureConfig.Budget budget = budget(s);
    s.finish();
    return new CaptureConfig(rules, budget);
  }

  private static CaptureConfig.Budget budget(Section s) {
    return new CaptureConfig.Budget(s.integer("max-per-minute", 0, 0, 1_000_000, "frames (0: no limit)"),
        s.integer("max-per-hour", 0, 0, 1_000_000, "frames (0: no limit)"),
        s.integer("max-per-day", 0, 0, 100_000_000, "frames (0: no limit)"),
        s.bytes("max-bytes-per-day", 0, 0));
  }

  private static CaptureConfig.Rule rule(String name, Section r) {
    CaptureConfig.Type type = r.choice("type", null, CaptureConfig.Type.class);
    if (type == null && !r.has("type")) {
      r.reject("type", "missing; expected one of [interval, detections, uncertain, motion-without-detection, random, coverage, new-track, best-shot]");
    }
    int priority = r.integer("priority", 0, 0, 100, "the priority of the frames it keeps");
    Duration every = null;
    Set<String> classes = Set.of();
    int minCount = 1;
    double minScore = 0;
    double from = 0;
    double to = 1;
    int minChange = 0;
    double probability = 0;
    double marginBelow = 0;
    double minCoverage = 0;
    double maxCoverage = 1;
    if (type == CaptureConfig.Type.INTERVAL) {
      every = r.duration("every", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1));
    } else if (type == CaptureConfig.Type.DETECTIONS) {
      classes = new LinkedHashSet<>(r.strings("classes"));
      minCount = r.integer("min-count", 1, 1, 10_000, "detections");
      minScore = r.decimalFrom("min-score", 0.5, 0, 1, "a score");
    } else if (type == CaptureConfig.Type.UNCERTAIN) {
      from = r.decimalFrom("score-from", 0.3, 0, 1, "a score");
      to = r.decimalFrom("score-to", 0.6, 0, 1, "a score");
      if (from >= to) {
        r.reject("score-to", "'" + to + "' must be above score-from (" + from + ")");
      }
      marginBelow = r.decimal("margin-below", 0, 0, 1, "a margin between the two likeliest classes (0: not used)");
    } else if (type == CaptureConfig.Type.MOTION_WITHOUT_DETECTION) {
      minChange = r.integer("min-change", 20, 1, 256, "bits of the 256-bit frame hash that changed since the previous frame");
    } else if (type == CaptureConfig.Type.RANDOM) {
      probability = r.decimal("probability", 0.01, 0, 1, "a probability");
    } else if (type == CaptureConfig.Type.COVERAGE) {
      classes = new LinkedHashSet<>(r.strings("classes"));
      minCoverage = r.decimal("min", 0, 0, 1, "a share of the image, 0..1");
      maxCoverage = r.decimal("max", 1, 0, 1, "a share of the image, 0..1");
      if (!r.has("min") && !r.has("max")) {
        r.reject("min", "missing; a coverage rule needs min, max or both (shares of the image, 0..1)");
      } else if (minCoverage > maxCoverage) {
        r.reject("max", "'" + maxCoverage + "' must not be below min (" + minCoverage + ")");
      }
    }
    CaptureConfig.Tracks tracks = null;
    if (type == CaptureConfig.Type.NEW_TRACK || type == CaptureConfig.Type.BEST_SHOT) {
      classes = new LinkedHashSet<>(r.strings("classes"));
      minScore = r.decimalFrom("min-score", 0.5, 0, 1, "a score");
      int minLength = r.integer("min-length", 3, 1, 10_000, "frames a track must be seen before it counts");
      int perTrack = 1;
      Duration spacing = Duration.ofSeconds(1);
      Duration maxWait = Duration.ofMinutes(1);
      int maxHeld = 16;
      if (type == CaptureConfig.Type.BEST_SHOT) {
        perTrack = r.integer("per-track", 1, 1, 100, "frames kept per track");
        spacing = r.duration("spacing", spacing, Duration.ZERO, Duration.ofHours(1));
        maxWait = r.duration("max-wait", maxWait, Duration.ofSeconds(1), Duration.ofDays(1));
        maxHeld = r.integer("max-held", maxHeld, 1, 10_000, "frames held in memory while their tracks last");
        if (maxHeld < perTrack) {
          r.reject("max-held", "'" + maxHeld + "' is below per-track (" + perTrack + "): one track's shots must fit");
        }
      }
      tracks = new CaptureConfig.Tracks(minLength, perTrack, spacing, maxWait, maxHeld);
    }
    boolean clip = r.bool("clip", false);
    CaptureConfig.Budget budget = budget(r);
    r.finish();
    return new CaptureConfig.Rule(name, type, priority, every, classes, minCount, minScore, from, to, minChange,
        probability, budget, marginBelow, minCoverage, maxCoverage, tracks, clip);
  }
}
