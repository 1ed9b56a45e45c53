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
    COVERAGE,
    /**
     * The first frame of each new track of {@code classes} with a detection scoring at least {@code min-score},
     * once the track is {@code min-length} frames long (flicker is ignored), unless a frame with it was kept already.
     */
    NEW_TRACK,
    /**
     * Per track, the best frame (or the {@code per-track} best, {@code spacing} apart) by the shot score of
     * {@code select.ShotScore}, kept when the track ends or {@code max-wait} after its first candidate.
     */
    BEST_SHOT
  }

  /**
   * The settings of the rules over tracks.
   *
   * @param minLength frames a track must be seen before it counts (shorter ones are flicker)
   * @param perTrack best-shot: frames kept per track
   * @param spacing best-shot: the least time between two frames kept of one track
   * @param maxWait best-shot: a track still seen this long after its first candidate has its best kept now
   *     (and starts collecting again)
   * @param maxHeld best-shot: frames held in memory at most, all tracks together; past it the track
   *     collecting longest has its best kept early
   */
  public record Tracks(int minLength, int perTrack, Duration spacing, Duration maxWait, int maxHeld) {}

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
   * @param tracks for new-track and best-shot, else null
   * @param clip whether a frame this rule keeps also starts an event clip ({@link ClipsConfig})
   */
  public record Rule(String name, Type type, int priority, Duration every, Set<String> classes, int minCount,
      double minScore, double scoreFrom, double scoreTo, int minChange, double probability, Budget budget,
      double marginBelow, double minCoverage, double maxCoverage, Tracks tracks, boolean clip) {
    /** A rule of the frame types (no track settings, no clip). */
    public Rule(String name, Type type, int priority, Duration every, Set<String> classes, int minCount,
        double minScore, double scoreFrom, double scoreTo, int minChange, double probability, Budget budget,
        double marginBelow, double minCoverage, double maxCoverage) {
      this(name, type, priority, every, classes, minCount, minScore, scoreFrom, scoreTo, minChange, probability,
          budget, marginBelow, minCoverage, maxCoverage, null, false);
    }

    /** Whether this rule follows tracks (and so needs tracking on). */
    public boolean overTracks() {
      return type == Type.NEW_TRACK || type == Type.BEST_SHOT;
    }
  }

  /** Whether any rule follows tracks. */
  public boolean needsTracks() {
    return rules.stream().anyMatch(Rule::overTracks);
  }

  /** No rules: every frame that passes the filters. */
  public static CaptureConfig keepAll() {
    return new CaptureConfig(List.of(), Budget.NONE);
  }
}
