package io.fieldcap.select;

import io.fieldcap.config.QualityConfig;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drops a frame whose hash is within {@code quality.duplicate-distance} of a frame kept in the last
 * {@code quality.duplicate-window}, unless its detections differ from that frame's (a new object,
 * or one gone, is worth a label). Used by one thread.
 */
public final class DuplicateFilter {
  /** The rejection reason, as counted under {@code rejectedBy}. */
  public static final String DUPLICATE = "duplicate";

  private record Kept(long[] hash, Map<String, Integer> classes, Instant at) {}

  private static final int MAX_REMEMBERED = 4096;

  private final int distance;
  private final Duration window;
  private final Deque<Kept> recent = new ArrayDeque<>();

  public DuplicateFilter(QualityConfig config) {
    this.distance = config.duplicates() ? config.duplicateDistance() : -1;
    this.window = config.duplicateWindow();
  }

  /** Detections per class, the part of a frame's pre-labels that decides whether it shows something new. */
  public static Map<String, Integer> classes(LabelSet labels) {
    if (labels == null) {
      return Map.of();
    }
    Map<String, Integer> out = new TreeMap<>();
    for (Detection d : labels.detections()) {
      out.merge(d.label(), 1, Integer::sum);
    }
    return out;
  }

  /**
   * Whether a frame captured {@code at} with {@code hash} and detections per class {@code classes}
   * (empty without a model) duplicates a frame kept in the window; it is not remembered.
   */
  public boolean isDuplicate(long[] hash, Map<String, Integer> classes, Instant at) {
    if (distance < 0) {
      return false;
    }
    for (Iterator<Kept> it = recent.iterator(); it.hasNext(); ) {
      Kept k = it.next();
      if (Duration.between(k.at(), at).compareTo(window) > 0) {
        it.remove();
      } else if (FrameQuality.distance(k.hash(), hash) <= distance && k.classes().equals(classes)) {
        return true;
      }
    }
    return false;
  }

  /** Remembers a kept frame for later comparisons. */
  public void remember(long[] hash, Map<String, Integer> classes, Instant at) {
    if (distance < 0) {
      return;
    }
    recent.addFirst(new Kept(hash, Map.copyOf(classes), at));
    if (recent.size() > MAX_REMEMBERED) {
      recent.removeLast();
    }
  }
}
