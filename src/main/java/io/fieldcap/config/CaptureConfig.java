package io.fieldcap.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which frames to keep after pre-labeling. With no rules every frame that passes the quality
 * filters is kept; with rules, a frame is kept when any rule keeps it (and that rule's budget
 * allows), and it carries the name and priority of the first such rule, highest priority first.
 *
 * @param rules the rules by name, in the order of the config
 * @param budget the overall budget across rules
 */
public record CaptureConfig(List<Rule> rules, Budget budget) {

  /** Rule types. */
  public enum Type {
    /** One frame every {@code every}, whatever it shows: the baseline sample. */
    INTERVAL,
    /** Frames with at least {@code min-count} detections of {@code classes} (any class when empty) scoring at least {@code min-score}. */
    DETECTIONS,
    /** Frames with a detection whose score lies from {@code score-from} to {@code score-to}: what the model is unsure of. */
    UNCERTAIN,
    /** Frames where the scene changed ({@code min-change} bits of the frame hash since the previous frame) and the model found nothing. */
    MOTION_WITHOUT_DETECTION,
    /** Each frame with {@code probability}. */
    RANDOM,
    /**
     * Frames where the semantic masks of {@code classes} (any class but background when empty) cover,
     * together, from {@code min} to {@code max} of the image: "weed over 5%".
     */
    COVERAGE
  }

  /**
   * At most this many frames per minute, hour and day, and bytes per day; 0 means no limit.
   */
  public record Budget(int perMinute, int perHour, int perDay, long bytesPerDay) {
    public static final Budget NONE = new Budget(0, 0, 0, 0);

    public boolean unlimited() {
      return perMinute == 0 && perHour == 0 && perDay == 0 && bytesPerDay == 0;
    }
  }

  /**
   * One rule.
   *
   * @param name its name in the config, recorded with each frame it keeps
   * @param type what it looks for
   * @param priority carried by the frames it keeps: sent first, evicted last (0-100)
   * @param every for interval
   * @param classes for detections (empty: any class)
   * @param minCount for detections
   * @param minScore for detections
   * @param scoreFrom for uncertain
   * @param scoreTo for uncertain
   * @param marginBelow for uncertain, semantic models: also frames whose mean margin between the two
   *     likeliest classes is below this (0: not used)
   * @param minCoverage for coverage: the least share of the image
   * @param maxCoverage for coverage: the most
   * @param minChange for motion-without-detection, bits of 256
   * @param probability for random
   * @param budget this rule's own budget
   */
  public record Rule(String name, Type type, int priority, Duration every, Set<String> classes, int minCount,
      double minScore, double scoreFrom, double scoreTo, int minChange, double probability, Budget budget,
      double marginBelow, double minCoverage, double maxCoverage) {}

  /** No rules: every frame that passes the filters. */
  public static CaptureConfig keepAll() {
    return new CaptureConfig(List.of(), Budget.NONE);
  }
}
