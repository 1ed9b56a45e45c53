package io.fieldcap.select;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.config.CaptureConfig.Budget;
import io.fieldcap.config.CaptureConfig.Rule;
import io.fieldcap.config.CaptureConfig;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Decides, frame by frame after pre-labeling, whether a capture rule keeps it. Rules are tried
 * highest priority first (config order among equals); the first that matches and whose budget, and
 * the overall budget, allow it keeps the frame, which then carries that rule's name and priority.
 * When the spool is nearly full (at least {@value #NEARLY_FULL} of its quota) rules of priority 0
 * pause, so the baseline sample gives way to what the team asked for first instead of evicting it.
 * Used by one thread.
 */
public final class Rules {
  /** The spool fill (bytes / quota) from which priority-0 rules pause. */
  public static final double NEARLY_FULL = 0.9;

  /** Rejection reasons, as counted under {@code rejectedBy}. */
  public static final String NO_RULE = "no-rule";
  public static final String BUDGET = "budget";
  public static final String SPOOL_FULL = "spool-full";
  /** Not kept because tracking had it covered: its objects' tracks already have their frame or a better shot. */
  public static final String TRACKED = "tracked";

  /** Kept by {@code rule} with {@code priority}, or rejected for {@code reason}. */
  public record Verdict(String rule, int priority, String reason) {
    public boolean kept() {
      return reason == null;
    }
  }

  private static final Verdict ALL = new Verdict("all", 0, null);

  /** Fixed calendar windows (UTC minute, hour, day) counting kept frames and bytes. */
  private static final class Spent {
    long minute = -1;
    long hour = -1;
    long day = -1;
    int inMinute;
    int inHour;
    int inDay;
    long bytesInDay;

    private void roll(Instant at) {
      long m = at.getEpochSecond() / 60;
      if (m != minute) {
        minute = m;
        inMinute = 0;
      }
      if (m / 60 != hour) {
        hour = m / 60;
        inHour = 0;
      }
      if (m / 1440 != day) {
        day = m / 1440;
        inDay = 0;
        bytesInDay = 0;
      }
    }

    boolean allows(Budget b, Instant at) {
      roll(at);
      return (b.perMinute() == 0 || inMinute < b.perMinute()) && (b.perHour() == 0 || inHour < b.perHour())
          && (b.perDay() == 0 || inDay < b.perDay()) && (b.bytesPerDay() == 0 || bytesInDay < b.bytesPerDay());
    }

    void count(Instant at) {
      roll(at);
      inMinute++;
      inHour++;
      inDay++;
    }

    void bytes(Instant at, long n) {
      roll(at);
      bytesInDay += n;
    }

    long[] save() {
      return new long[] {minute, hour, day, inMinute, inHour, inDay, bytesInDay};
    }

    void load(long[] v) {
      if (v.length == 7) {
        minute = v[0];
        hour = v[1];
        day = v[2];
        inMinute = (int) v[3];
        inHour = (int) v[4];
        inDay = (int) v[5];
        bytesInDay = v[6];
      }
    }
  }

  private static final String OVERALL = "";

  /**
   * The budgets spent in the current windows and when each interval rule last kept a frame, as JSON,
   * so that a restart (a crash, an update) does not hand out a day's budget again.
   */
  public synchronized String state() {
    Map<String, Object> s = new TreeMap<>();
    Map<String, long[]> budgets = new TreeMap<>();
    budgets.put(OVERALL, spentOverall.save());
    spent.forEach((name, sp) -> budgets.put(name, sp.save()));
    s.put("budgets", budgets);
    Map<String, Long> last = new TreeMap<>();
    lastKept.forEach((name, at) -> last.put(name, at.toEpochMilli()));
    s.put("lastKept", last);
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Takes back what {@link #state()} saved; rules that no longer exist are ignored, and so is a state that cannot be read. */
  public synchronized void restore(String json) {
    if (json == null) {
      return;
    }
    try {
      var n = JSON.readTree(json);
      n.path("budgets").fields().forEachRemaining(e -> {
        long[] v = new long[e.getValue().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = e.getValue().get(i).asLong();
        }
        Spent sp = e.getKey().equals(OVERALL) ? spentOverall : spent.get(e.getKey());
        if (sp != null) {
          sp.load(v);
        }
      });
      n.path("lastKept").fields().forEachRemaining(e -> {
        if (spent.containsKey(e.getKey())) {
          lastKept.put(e.getKey(), Instant.ofEpochMilli(e.getValue().asLong()));
        }
      });
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger(Rules.class).warn("capture rules: could not read the saved budgets ({}); starting afresh",
          e.getMessage());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Rule> rules;
  private final Budget overall;
  private final Spent spentOverall = new Spent();
  private final Map<String, Spent> spent = new HashMap<>();
  private final Map<String, Instant> lastKept = new HashMap<>();
  private final SplittableRandom random;
  private long[] previousHash;
  private final Map<String, Rule> byName = new HashMap<>();
  /** Frames each live track was seen in, and the tracks a kept frame already shows (for new-track). */
  private final Map<Long, Integer> trackFrames = new HashMap<>();
  private final Set<Long> covered = new HashSet<>();

  public Rules(CaptureConfig config, long seed) {
    List<Rule> sorted = new ArrayList<>(config.rules());
    sorted.sort(Comparator.comparingInt(Rule::priority).reversed());
    this.rules = List.copyOf(sorted);
    this.overall = config.budget();
    this.random = new SplittableRandom(seed);
    for (Rule r : rules) {
      spent.put(r.name(), new Spent());
      byName.put(r.name(), r);
    }
  }

  /** Whether frames kept by {@code rule} start event clips ({@code clip: true}). */
  public boolean clips(String rule) {
    Rule r = byName.get(rule);
    return r != null && r.clip();
  }

  /** The rules of one type, highest priority first. */
  public List<Rule> ofType(CaptureConfig.Type type) {
    return rules.stream().filter(r -> r.type() == type).toList();
  }

  /**
   * Whether {@code rule}'s budget and the overall one allow keeping one more frame {@code now}, counting it
   * if so: for frames kept later than they were seen (best shots).
   */
  public synchronized Verdict admit(String rule, Instant now, double spoolFill) {
    Rule r = byName.get(rule);
    if (spoolFill >= NEARLY_FULL && r.priority() == 0) {
      return new Verdict(null, 0, SPOOL_FULL);
    }
    Spent own = spent.get(r.name());
    if (!own.allows(r.budget(), now) || !spentOverall.allows(overall, now)) {
      return new Verdict(null, 0, BUDGET);
    }
    own.count(now);
    spentOverall.count(now);
    lastKept.put(r.name(), now);
    return new Verdict(r.name(), r.priority(), null);
  }

  /**
   * A frame's tracked detections, counted towards their tracks' lengths: every frame the select stage sees, kept or not
   * (a near-duplicate too), so that a track's length is the tracker's, whatever selection made of its frames.
   */
  public synchronized void seen(LabelSet labels) {
    if (labels != null) {
      for (Detection d : labels.detections()) {
        if (d.trackId() != null) {
          trackFrames.merge(d.trackId(), 1, Integer::sum);
        }
      }
    }
  }

  /** Frames track {@code id} has been seen in so far (0 for one unknown or ended). */
  public synchronized int trackFrames(long id) {
    return trackFrames.getOrDefault(id, 0);
  }

  /** A frame with these labels was kept (by any rule): the tracks it shows need no new-track frame. */
  public synchronized void kept(LabelSet labels) {
    if (labels != null) {
      for (Detection d : labels.detections()) {
        if (d.trackId() != null) {
          covered.add(d.trackId());
        }
      }
    }
  }

  /** Tracks that ended: forgotten. */
  public synchronized void ended(long[] ids) {
    for (long id : ids) {
      trackFrames.remove(id);
      covered.remove(id);
    }
  }

  /**
   * Decides for a frame captured {@code at} with pre-labels {@code labels} (null without a model)
   * and frame hash {@code hash}; {@code spoolFill} is the spool's bytes over its quota.
   */
  public synchronized Verdict decide(Instant at, LabelSet labels, long[] hash, double spoolFill) {
    int change = previousHash == null ? 256 : FrameQuality.distance(previousHash, hash);
    previousHash = hash;
    if (rules.isEmpty()) {
      if (!spentOverall.allows(overall, at)) {
        return new Verdict(null, 0, BUDGET);
      }
      spentOverall.count(at);
      return ALL;
    }
    String why = NO_RULE;
    boolean nearlyFull = spoolFill >= NEARLY_FULL;
    for (Rule r : rules) {
      if (!matches(r, at, labels, change)) {
        if (r.overTracks() && NO_RULE.equals(why) && sawTracks(r, labels)) {
          why = TRACKED;
        }
        continue;
      }
      if (nearlyFull && r.priority() == 0) {
        why = SPOOL_FULL;
        continue;
      }
      Spent own = spent.get(r.name());
      if (!own.allows(r.budget(), at) || !spentOverall.allows(overall, at)) {
        why = BUDGET;
        continue;
      }
      own.count(at);
      spentOverall.count(at);
      lastKept.put(r.name(), at);
      kept(labels);
      return new Verdict(r.name(), r.priority(), null);
    }
    return new Verdict(null, 0, why);
  }

  /** Whether a rule over tracks follows a confident tracked detection of this frame. */
  private static boolean sawTracks(Rule r, LabelSet labels) {
    return labels != null && labels.detections().stream().anyMatch(d -> followed(r, d));
  }

  private static boolean followed(Rule r, Detection d) {
    return d.trackId() != null && (r.classes().isEmpty() || r.classes().contains(d.label())) && d.score() >= r.minScore();
  }

  /** Counts the stored size of a frame kept by {@code rule} against the byte budgets. */
  public synchronized void stored(String rule, Instant at, long bytes) {
    spentOverall.bytes(at, bytes);
    Spent own = spent.get(rule);
    if (own != null) {
      own.bytes(at, bytes);
    }
  }

  private boolean matches(Rule r, Instant at, LabelSet labels, int change) {
    List<Detection> found = labels == null ? List.of() : labels.detections();
    return switch (r.type()) {
      case INTERVAL -> {
        Instant last = lastKept.get(r.name());
        yield last == null || Duration.between(last, at).compareTo(r.every()) >= 0;
      }
      case DETECTIONS -> found.stream()
          .filter(d -> (r.classes().isEmpty() || r.classes().contains(d.label())) && d.score() >= r.minScore())
          .count() >= r.minCount();
      case UNCERTAIN -> found.stream().anyMatch(d -> d.score() >= r.scoreFrom() && d.score() <= r.scoreTo())
          || r.marginBelow() > 0 && labels != null && labels.margin() != null && labels.margin() < r.marginBelow();
      case COVERAGE -> {
        double share = found.stream().filter(d -> d.mask() != null)
            .filter(d -> r.classes().isEmpty() ? !d.backgroundMask() : r.classes().contains(d.label()))
            .mapToDouble(d -> d.mask().coverage()).sum();
        yield found.stream().anyMatch(d -> d.mask() != null) // a semantic model ran: no masks, no coverage
            && share >= r.minCoverage() && share <= r.maxCoverage();
      }
      case MOTION_WITHOUT_DETECTION -> found.isEmpty() && change >= r.minChange();
      case RANDOM -> random.nextDouble() < r.probability();
      case NEW_TRACK -> found.stream().anyMatch(d -> followed(r, d) && !covered.contains(d.trackId())
          && trackFrames.getOrDefault(d.trackId(), 0) >= r.tracks().minLength());
      case BEST_SHOT -> false; // kept later, when the track ends (BestShots)
    };
  }
}
