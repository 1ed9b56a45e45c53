package io.fieldcap.agent;

import io.fieldcap.config.TrackingConfig;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.track.Tracker;
import java.util.ArrayList;
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

  Tracking(TrackingConfig config) {
    this.config = config;
    this.tracker = config.enabled() ? newTracker() : null;
  }

  private Tracker newTracker() {
    return new Tracker(new Tracker.Options(config.high(), config.low(), config.matchIou(), config.weakMatchIou(),
        config.minHits(), config.maxAge()));
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
    List<Detection> out = new ArrayList<>(ds);
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] != 0) {
        out.set(which.get(k), ds.get(which.get(k)).withTrack(ids[k]));
      }
    }
    return new LabelSet(labels.model(), out, labels.version(), labels.margin());
  }

  /** A model switch: the old model's tracks end. */
  synchronized void restart() {
    Tracker t = tracker;
    if (t != null && t.started() > 0) {
      startedBefore += t.started();
      tracker = newTracker();
    }
  }

  /** {@code {"active": N, "started": M}}: tracks followed now, and tracks confirmed since the agent started. */
  synchronized Map<String, Object> status() {
    Tracker t = tracker;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("active", t == null ? 0 : t.active());
    m.put("started", startedBefore + (t == null ? 0 : t.started()));
    return m;
  }
}
