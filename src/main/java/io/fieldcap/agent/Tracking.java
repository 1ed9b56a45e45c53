package io.fieldcap.agent;

import io.fieldcap.config.TrackingConfig;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.track.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labeler's tracker ({@code tracking:}): gives each box detection of a frame its object's track
 * id, frame after frame, on the labeler's thread. Semantic masks and whole-frame classes are not
 * tracked. A new model starts its tracks afresh. Its counts go into the device's status.
 */
final class Tracking {
  private final TrackingConfig config;
  private volatile Tracker tracker;
  private long startedBefore;
  private long[] endedBefore = {0, 0};
  private long[] ended = new long[0];

  Tracking(TrackingConfig config) {
    this.config = config;
    this.tracker = config.enabled() ? newTracker() : null;
  }

  private Tracker newTracker() {
    return newTracker(1);
  }

  private Tracker newTracker(long firstId) {
    return new Tracker(new Tracker.Options(config.high(), config.low(), config.matchIou(), config.weakMatchIou(),
        config.minHits(), config.maxAge()), firstId);
  }

  boolean enabled() {
    return tracker != null;
  }

  /** The frame's labels with their track ids (the same labels when tracking is off). */
  LabelSet track(LabelSet labels) {
    Tracker t = tracker;
    if (t == null || labels == null) {
      return labels;
    }
    List<Integer> which = new ArrayList<>();
    List<Tracker.Seen> seen = new ArrayList<>();
    List<Detection> ds = labels.detections();
    for (int i = 0; i < ds.size(); i++) {
      Detection d = ds.get(i);
      if (d.box() != null && d.mask() == null) {
        which.add(i);
        seen.add(new Tracker.Seen(d.label(), d.score(), d.box()));
      }
    }
    long[] ids = t.update(seen);
    ended = concat(ended, t.endedNow());
    List<Detection> out = new ArrayList<>(ds);
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] != 0) {
        out.set(which.get(k), ds.get(which.get(k)).withTrack(ids[k]));
      }
    }
    return new LabelSet(labels.model(), out, labels.version(), labels.margin());
  }

  /** The tracks that ended since the last call (for the rules over tracks), on the labeler's thread. */
  long[] ended() {
    long[] e = ended;
    ended = new long[0];
    return e;
  }

  private static long[] concat(long[] a, long[] b) {
    if (a.length == 0) {
      return b;
    }
    long[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * A model switch: the old model's tracks end (reported by the next {@link #ended()}). Track ids go on
   * from where they were, so the rules never mistake a new track for an old one.
   */
  synchronized void restart() {
    Tracker t = tracker;
    if (t != null && t.started() > 0) {
      ended = concat(ended, t.endAll());
      startedBefore += t.started();
      long[] e = t.endedAndFrames();
      endedBefore = new long[] {endedBefore[0] + e[0], endedBefore[1] + e[1]};
      tracker = newTracker(t.nextId());
    }
  }

  /**
   * {@code {"active": N, "started": M, "ended": E, "framesPerTrack": F}}: tracks followed now, tracks confirmed
   * and ended since the agent started, and the mean frames an ended track was seen in.
   */
  synchronized Map<String, Object> status() {
    Tracker t = tracker;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("active", t == null ? 0 : t.active());
    m.put("started", startedBefore + (t == null ? 0 : t.started()));
    long[] e = t == null ? new long[] {0, 0} : t.endedAndFrames();
    long n = endedBefore[0] + e[0];
    m.put("ended", n);
    m.put("framesPerTrack", n == 0 ? 0.0 : Math.round((endedBefore[1] + e[1]) * 10.0 / n) / 10.0);
    return m;
  }
}
