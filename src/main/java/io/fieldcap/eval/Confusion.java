package io.fieldcap.eval;

import io.fieldcap.model.Box;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The confusion matrix at IoU 0.5, as detection tools draw it (Ultralytics' {@code ConfusionMatrix}):
 * detections scored at least {@code minScore}, each frame's pairs of label and detection taken by
 * IoU, highest first, whatever their classes, each used once; a pair counts in [label class][detected
 * class], a label left over in [its class][background] (missed), a detection left over in
 * [background][its class] (a false alarm). Per frame, the misses and false alarms (a wrong class is
 * both), and the detections counted there, so that the worst frames can be looked at with the
 * model's boxes beside the labels.
 */
public final class Confusion {
  /** IoU from which a label and a detection are a pair. */
  public static final double IOU = 0.5;

  private final List<String> classes;
  private final double minScore;
  /** [truth class, background last][detected class, background last]. */
  private final long[][] matrix;
  private final Map<Integer, int[]> mistakes = new LinkedHashMap<>(); // frame index -> {false positives, false negatives}
  private final Map<Integer, List<Shown>> shown = new HashMap<>(); // frame index -> its detections, for frames with mistakes

  /** A detection as the matrix counted it: its class (index into the classes), box and score. */
  public record Shown(int classIndex, Box box, double score) {}

  Confusion(List<String> classes, double minScore) {
    this.classes = List.copyOf(classes);
    this.minScore = minScore;
    this.matrix = new long[classes.size() + 1][classes.size() + 1];
  }

  void add(int frame, List<CocoEval.Truth> truths, List<CocoEval.Detected> found) {
    List<CocoEval.Detected> dets = new ArrayList<>();
    for (CocoEval.Detected d : found) {
      if (d.score() >= minScore) {
        dets.add(d);
      }
    }
    List<double[]> pairs = new ArrayList<>(); // iou, truth index, detection index
    for (int g = 0; g < truths.size(); g++) {
      for (int d = 0; d < dets.size(); d++) {
        double iou = CocoEval.boxIou(dets.get(d).box(), truths.get(g).box(), false);
        if (iou >= IOU) {
          pairs.add(new double[] {iou, g, d});
        }
      }
    }
    pairs.sort(Comparator.comparingDouble((double[] p) -> -p[0]));
    boolean[] gUsed = new boolean[truths.size()];
    boolean[] dUsed = new boolean[dets.size()];
    int fp = 0;
    int fn = 0;
    int bg = classes.size();
    for (double[] p : pairs) {
      int g = (int) p[1];
      int d = (int) p[2];
      if (gUsed[g] || dUsed[d]) {
        continue;
      }
      gUsed[g] = true;
      dUsed[d] = true;
      int tc = truths.get(g).category() - 1;
      int dc = dets.get(d).category() - 1;
      matrix[tc][dc]++;
      if (tc != dc) {
        fp++;
        fn++;
      }
    }
    for (int g = 0; g < truths.size(); g++) {
      if (!gUsed[g]) {
        matrix[truths.get(g).category() - 1][bg]++;
        fn++;
      }
    }
    for (int d = 0; d < dets.size(); d++) {
      if (!dUsed[d]) {
        matrix[bg][dets.get(d).category() - 1]++;
        fp++;
      }
    }
    if (fp + fn > 0) {
      mistakes.put(frame, new int[] {fp, fn});
      shown.put(frame, dets.stream().map(d -> new Shown(d.category() - 1, d.box(), d.score())).toList());
    }
  }

  /** The classes, then {@code background}: the rows' and columns' names. */
  public List<String> names() {
    List<String> n = new ArrayList<>(classes);
    n.add("background");
    return n;
  }

  /** [truth][detected], a copy. */
  public long[][] matrix() {
    long[][] out = new long[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      out[i] = Arrays.copyOf(matrix[i], matrix[i].length);
    }
    return out;
  }

  /** The score from which detections count. */
  public double minScore() {
    return minScore;
  }

  /** The detections counted on frame {@code frame} (by index), when it had mistakes; else none. */
  public List<Shown> detections(int frame) {
    return shown.getOrDefault(frame, List.of());
  }

  /** Up to {@code n} frames (by index) with the most false positives plus false negatives, worst first: {index, fp, fn}. */
  public List<int[]> worst(int n) {
    List<int[]> all = new ArrayList<>();
    mistakes.forEach((frame, c) -> all.add(new int[] {frame, c[0], c[1]}));
    all.sort(Comparator.comparingInt((int[] c) -> -(c[1] + c[2])).thenComparingInt(c -> c[0]));
    return all.subList(0, Math.min(n, all.size()));
  }
}
