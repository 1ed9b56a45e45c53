package io.fieldcap.store;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Which frames to read, in terms the database can answer from its keys and indexes: devices, capture
 * time, marks, review state and the classes a frame's labels hold. {@link LocalFrameStore#where}
 * answers it in SQL; {@link #matches} is the same test in Java, for any other {@link Frames}.
 *
 * @param devices frames of these devices (empty: all)
 * @param since captured at or after (null: no bound)
 * @param until captured before (null: no bound)
 * @param excludedMarks frames with a mark of one of these kinds are left out
 * @param labels which labels {@code anyClass} looks at, and whether only reviewed frames are taken
 * @param anyClass frames whose labels hold one of these classes, as stored (empty: all)
 */
public record FrameQuery(Set<String> devices, Instant since, Instant until, Set<String> excludedMarks, Labels labels,
    Set<String> anyClass) {
  /** Which of a frame's labels count. */
  public enum Labels {
    /** The device's pre-labels. */
    PRELABELS,
    /** The newest revision; frames without one are left out. */
    REVIEWED,
    /** The newest revision where there is one, else the pre-labels. */
    BEST
  }

  /** Every frame. */
  public static final FrameQuery ALL = new FrameQuery(Set.of(), null, null, Set.of(), Labels.BEST, Set.of());

  public FrameQuery {
    devices = Set.copyOf(devices);
    excludedMarks = Set.copyOf(excludedMarks);
    anyClass = Set.copyOf(anyClass);
  }

  /** The same test as the database's, for a frame in hand. */
  public boolean matches(StoredFrame f) {
    if (!devices.isEmpty() && !devices.contains(f.device())) {
      return false;
    }
    if (!inTime(f.capturedAt())) {
      return false;
    }
    if (f.mark() != null && !excludedMarks.isEmpty()) {
      for (String kind : f.mark().split(",")) {
        if (excludedMarks.contains(kind)) {
          return false;
        }
      }
    }
    if (labels == Labels.REVIEWED && f.reviewed() == null) {
      return false;
    }
    if (anyClass.isEmpty()) {
      return true;
    }
    LabelSet l = labels == Labels.PRELABELS || f.reviewed() == null ? f.labels() : f.reviewed();
    if (l != null) {
      for (Detection d : l.detections()) {
        if (anyClass.contains(d.label())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a capture time is within the bounds, exactly. */
  public boolean inTime(Instant capturedAt) {
    return (since == null || !capturedAt.isBefore(since)) && (until == null || capturedAt.isBefore(until));
  }

  /**
   * This query as a WHERE clause over {@code FrameRows.select()} (frames {@code f}, newest revision
   * {@code r}), its arguments added to {@code args}; "TRUE" when it takes every frame.
   *
   * <p>Capture times are ISO-8601 text whose fraction of a second varies in length, so text order is
   * time order only to the second: the bounds are widened to whole seconds here (a superset, on the
   * {@code frames_by_capture} index) and {@link #inTime} trims the edges.
   */
  String where(List<Object> args) {
    List<String> and = new ArrayList<>();
    if (!devices.isEmpty()) {
      and.add("f.device IN (" + marks(devices.size()) + ")");
      args.addAll(devices.stream().sorted().toList());
    }
    if (since != null) {
      and.add("f.captured_at >= ?");
      args.add(since.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1).toString());
    }
    if (until != null) {
      and.add("f.captured_at < ?");
      args.add(until.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).toString());
    }
    if (!excludedMarks.isEmpty()) {
      and.add("NOT EXISTS (SELECT 1 FROM marks x WHERE x.device = f.device AND x.frame_id = f.frame_id AND x.kind IN ("
          + marks(excludedMarks.size()) + "))");
      args.addAll(excludedMarks.stream().sorted().toList());
    }
    if (labels == Labels.REVIEWED) {
      and.add("r.rev IS NOT NULL");
    }
    if (!anyClass.isEmpty()) {
      String source = switch (labels) {
        case PRELABELS -> "'" + FrameClasses.PRELABELS + "'";
        case REVIEWED -> "'" + FrameClasses.REVIEWED + "'";
        case BEST -> "CASE WHEN r.rev IS NULL THEN '" + FrameClasses.PRELABELS + "' ELSE '" + FrameClasses.REVIEWED + "' END";
      };
      and.add("EXISTS (SELECT 1 FROM frame_classes c WHERE c.device = f.device AND c.frame_id = f.frame_id AND c.source = "
          + source + " AND c.class IN (" + marks(anyClass.size()) + "))");
      args.addAll(anyClass.stream().sorted().toList());
    }
    return and.isEmpty() ? "TRUE" : String.join(" AND ", and);
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
