package io.fieldcap.dataset.imports;

import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How good the pre-labels were: for every frame that has both pre-labels and a reviewed revision,
 * the pre-label boxes are matched one to one with the reviewed boxes (greedily, pairs of the same
 * class first, then by IoU, pairs under IoU 0.5 never), and each is counted as:
 *
 * <ul>
 *   <li><b>kept</b>: matched, same class, IoU ≥ 0.9;
 *   <li><b>moved</b>: matched, same class, IoU 0.5 to 0.9;
 *   <li><b>relabelled</b>: matched (IoU ≥ 0.5), another class;
 *   <li><b>deleted</b>: a pre-label the reviewer removed (no match);
 *   <li><b>added</b>: a reviewed box with no pre-label (no match).
 * </ul>
 *
 * Precision of the pre-labels at IoU 0.5 is (kept + moved) / pre-label boxes, recall (kept + moved)
 * / reviewed boxes; per model (the pre-labels' model name) and per class (the pre-label's class for
 * kept, moved, relabelled and deleted, the reviewed box's for added). Models are told apart by name
 * and version ({@code yolo11n.onnx@1a2b3c4d5e6f}: the weights' SHA-256), so a retrained model under
 * the same file name gets its own line. Models are listed in the order of their first pre-labelled
 * frame, so a model and its successor read as before and after.
 *
 * <p><b>Corrected share</b>: the boxes a reviewer had to touch (moved, relabelled, deleted or added)
 * among all the boxes of the frames (the pre-labels and the added ones): what a better model saves.
 */
public final class Corrections {
  public static final double KEPT_IOU = 0.9;
  public static final double MATCH_IOU = 0.5;

  /** Counts for one model or one class. */
  public static final class Counts {
    public int frames;
    public int prelabels;
    public int reviewed;
    public int kept;
    public int moved;
    public int relabelled;
    public int deleted;
    public int added;

    /** (kept + moved) / pre-labels, or NaN with none. */
    public double precision() {
      return prelabels == 0 ? Double.NaN : (kept + moved) / (double) prelabels;
    }

    /** (kept + moved) / reviewed boxes, or NaN with none. */
    public double recall() {
      return reviewed == 0 ? Double.NaN : (kept + moved) / (double) reviewed;
    }

    /** (moved + relabelled + deleted + added) / (pre-labels + added), or NaN with no box at all. */
    public double corrected() {
      int all = prelabels + added;
      return all == 0 ? Double.NaN : (moved + relabelled + deleted + added) / (double) all;
    }
  }

  /** The counts of one model: overall and per class. */
  public record ModelReport(String model, Counts all, Map<String, Counts> classes) {}

  private Corrections() {}

  /** Reads every frame once; memory grows with the number of models and classes, not frames. */
  public static List<ModelReport> of(Frames frames) throws IOException {
    Map<String, ModelReport> models = new TreeMap<>();
    Map<String, Instant> first = new HashMap<>();
    frames.forEach(f -> {
      if (f.labels() == null || f.reviewed() == null) {
        return;
      }
      String model = f.labels().model() == null ? "(unknown model)" : f.labels().modelVersion();
      ModelReport r = models.computeIfAbsent(model, m -> new ModelReport(m, new Counts(), new TreeMap<>()));
      first.merge(model, f.capturedAt(), (a, b) -> a.isBefore(b) ? a : b);
      List<Detection> pre = f.labels().detections().stream().filter(d -> d.box() != null).toList();
      List<Detection> rev = f.reviewed().detections().stream().filter(d -> d.box() != null).toList();
      r.all().frames++;
      compare(pre, rev, r);
    });
    return models.values().stream().sorted(Comparator.comparing((ModelReport r) -> first.get(r.model()))
        .thenComparing(ModelReport::model)).toList();
  }

  private record Pair(int pre, int rev, double iou, boolean sameClass) {}

  public static void compare(List<Detection> pre, List<Detection> rev, ModelReport r) {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < pre.size(); i++) {
      for (int j = 0; j < rev.size(); j++) {
        double iou = pre.get(i).box().iou(rev.get(j).box());
        if (iou >= MATCH_IOU) {
          pairs.add(new Pair(i, j, iou, pre.get(i).label().equals(rev.get(j).label())));
        }
      }
    }
    pairs.sort(Comparator.comparing(Pair::sameClass).thenComparingDouble(Pair::iou).reversed());
    boolean[] preTaken = new boolean[pre.size()];
    boolean[] revTaken = new boolean[rev.size()];
    for (Detection d : pre) {
      count(r, d.label()).prelabels++;
    }
    for (Detection d : rev) {
      count(r, d.label()).reviewed++;
    }
    r.all().prelabels += pre.size();
    r.all().reviewed += rev.size();
    for (Pair p : pairs) {
      if (preTaken[p.pre()] || revTaken[p.rev()]) {
        continue;
      }
      preTaken[p.pre()] = true;
      revTaken[p.rev()] = true;
      Counts c = count(r, pre.get(p.pre()).label());
      if (!p.sameClass()) {
        c.relabelled++;
        r.all().relabelled++;
      } else if (p.iou() >= KEPT_IOU) {
        c.kept++;
        r.all().kept++;
      } else {
        c.moved++;
        r.all().moved++;
      }
    }
    for (int i = 0; i < pre.size(); i++) {
      if (!preTaken[i]) {
        count(r, pre.get(i).label()).deleted++;
        r.all().deleted++;
      }
    }
    for (int j = 0; j < rev.size(); j++) {
      if (!revTaken[j]) {
        count(r, rev.get(j).label()).added++;
        r.all().added++;
      }
    }
  }

  private static Counts count(ModelReport r, String label) {
    return r.classes().computeIfAbsent(label, k -> new Counts());
  }
}
