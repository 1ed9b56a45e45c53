package io.fieldcap.dataset;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which frames and labels an export takes, and how classes are named: frames by device, capture
 * time, the rule that kept them and their tags; labels by score; classes renamed ({@code --map
 * truck=car}), then kept and ordered ({@code --classes person,car}), so that datasets from models
 * with different class lists combine; and frames by class ({@code --class}, after the mapping).
 *
 * @param devices devices to take (empty: all)
 * @param since frames captured at or after (null: no bound)
 * @param until frames captured before (null: no bound)
 * @param keptBy capture rules whose frames to take (empty: all)
 * @param tags tags a frame must carry, each with this value
 * @param minScore labels below this score are left out
 * @param map class renames, applied first
 * @param classes the classes to keep, in this order (null: all, in name order)
 * @param withClasses take only frames with a label of one of these classes (empty: all)
 * @param labels which labels: the device's pre-labels, the reviewed ones (frames without a review are
 *     left out), or the best of each frame (reviewed where there is a review, else the pre-labels)
 * @param keepMarked kinds of {@code fieldcap clean} marks whose frames are taken anyway ({@code
 *     duplicate}, {@code broken}); frames with any other mark are left out
 */
public record Selection(Set<String> devices, Instant since, Instant until, Set<String> keptBy, Map<String, String> tags,
    double minScore, Map<String, String> map, List<String> classes, Set<String> withClasses, Labels labels,
    Set<String> keepMarked) {
  /** {@code --labels}. */
  public enum Labels {
    PRELABELS,
    REVIEWED,
    BEST;

    /** Parses {@code prelabels}, {@code reviewed} or {@code best}. */
    public static Labels parse(String v) {
      for (Labels l : values()) {
        if (l.name().equalsIgnoreCase(v)) {
          return l;
        }
      }
      throw new IllegalArgumentException("--labels: '" + v + "' is not prelabels, reviewed or best");
    }
  }

  /** The marks that leave a frame out of exports unless kept; a reviewer's flag ("label this") does not. */
  public static final Set<String> EXCLUDING = Set.of("duplicate", "broken", "rejected");

  public static final Selection ALL = new Selection(Set.of(), null, null, Set.of(), Map.of(), 0, Map.of(), null, Set.of(),
      Labels.BEST, Set.of());

  public Selection(Set<String> devices, Instant since, Instant until, Set<String> keptBy, Map<String, String> tags,
      double minScore, Map<String, String> map, List<String> classes, Set<String> withClasses) {
    this(devices, since, until, keptBy, tags, minScore, map, classes, withClasses, Labels.BEST, Set.of());
  }

  public Selection(Set<String> devices, Instant since, Instant until, Set<String> keptBy, Map<String, String> tags,
      double minScore, Map<String, String> map, List<String> classes, Set<String> withClasses, Labels labels) {
    this(devices, since, until, keptBy, tags, minScore, map, classes, withClasses, labels, Set.of());
  }

  /** {@code frames} seen through this selection: frames left out, labels filtered and renamed. */
  public Frames view(Frames frames) {
    return action -> frames.forEach(f -> {
      StoredFrame s = select(f);
      if (s != null) {
        action.accept(s);
      }
    });
  }

  /** The frame as the export sees it, or null when it is left out. */
  StoredFrame select(StoredFrame f) {
    if (f.mark() != null) {
      for (String kind : f.mark().split(",")) {
        if (EXCLUDING.contains(kind) && !keepMarked.contains(kind)) {
          return null; // marked by fieldcap clean as a duplicate or broken, or rejected by a reviewer
        }
      }
    }
    if (!devices.isEmpty() && !devices.contains(f.device())) {
      return null;
    }
    if (since != null && f.capturedAt().isBefore(since) || until != null && !f.capturedAt().isBefore(until)) {
      return null;
    }
    Object rule = f.meta() == null ? null : f.meta().get("keptBy");
    if (!keptBy.isEmpty() && (rule == null || !keptBy.contains(rule.toString()))) {
      return null;
    }
    if (!tags.isEmpty()) {
      Object t = f.meta() == null ? null : f.meta().get("tags");
      if (!(t instanceof Map<?, ?> have) || tags.entrySet().stream().anyMatch(e -> !e.getValue().equals(String.valueOf(have.get(e.getKey()))))) {
        return null;
      }
    }
    LabelSet labels;
    int revision;
    if (labels() == Labels.PRELABELS || labels() == Labels.BEST && f.reviewed() == null) {
      labels = f.labels();
      revision = 0;
    } else if (f.reviewed() == null) {
      return null; // --labels reviewed: not reviewed yet
    } else {
      labels = f.reviewed();
      revision = f.revision();
    }
    if (labels != null) {
      List<Detection> kept = new ArrayList<>();
      for (Detection d : labels.detections()) {
        String name = map.getOrDefault(d.label(), d.label());
        if (d.score() < minScore || classes != null && !classes.contains(name)) {
          continue;
        }
        kept.add(name.equals(d.label()) ? d : new Detection(name, d.score(), d.box(), d.polygon()));
      }
      labels = new LabelSet(labels.model(), kept, labels.version());
    }
    if (!withClasses.isEmpty() && (labels == null || labels.detections().stream().noneMatch(d -> withClasses.contains(d.label())))) {
      return null;
    }
    return new StoredFrame(f.device(), f.frameId(), f.seq(), f.capturedAt(), f.sha256(), f.bytes(), f.width(), f.height(),
        labels, f.meta(), f.image(), f.receivedAt(), f.reviewed(), revision, f.split(), f.mark());
  }
}
