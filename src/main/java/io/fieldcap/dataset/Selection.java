package io.fieldcap.dataset;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.FrameQuery;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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

  /**
   * {@code frames} seen through this selection: frames left out, labels filtered and renamed. What the
   * database can answer (devices, capture time, marks, review state, the classes asked for) is asked of
   * it as a {@link FrameQuery}; the rest (the rule, tags, scores, the renamed classes) is checked here.
   */
  public Frames view(Frames frames) {
    Frames chosen = frames.where(query());
    return action -> chosen.forEach(f -> {
      StoredFrame s = select(f);
      if (s != null) {
        action.accept(s);
      }
    });
  }

  /** The part of this selection the store can answer from its indexes (more frames than it takes, never fewer). */
  FrameQuery query() {
    Set<String> excluded = new HashSet<>(EXCLUDING);
    excluded.removeAll(keepMarked);
    Set<String> anyClass = new HashSet<>();
    if (!withClasses.isEmpty()) {
      // the stored names that become one of the classes asked for once renamed
      for (String c : withClasses) {
        if (!map.containsKey(c) || withClasses.contains(map.get(c))) {
          anyClass.add(c);
        }
      }
      map.forEach((from, to) -> {
        if (withClasses.contains(to)) {
          anyClass.add(from);
        }
      });
    }
    FrameQuery.Labels which = switch (labels) {
      case PRELABELS -> FrameQuery.Labels.PRELABELS;
      case REVIEWED -> FrameQuery.Labels.REVIEWED;
      case BEST -> FrameQuery.Labels.BEST;
    };
    return new FrameQuery(devices, since, until, excluded, which, anyClass);
  }

  /** The frame as the export sees it, or null when it is left out; {@link #query()} has chosen it already. */
  StoredFrame select(StoredFrame f) {
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
        kept.add(name.equals(d.label()) ? d : new Detection(name, d.score(), d.box(), d.polygon(), d.mask()));
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
