package io.fieldcap.eval;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Semantic segmentation figures, as mmsegmentation and the Cityscapes tooling define them: over all
 * frames, a confusion of pixels [label class][predicted class]; per class IoU = TP / (TP + FP + FN);
 * mIoU the mean over classes that occur (in the labels or the predictions); pixel accuracy the share
 * of labelled pixels predicted right; frequency-weighted IoU each class's IoU weighted by its share of
 * the labelled pixels. Pixels no label covers are not counted.
 */
public final class SemanticEval {
  private final List<String> classes;
  private final long[][] confusion; // [label][prediction], the last column: no prediction

  public SemanticEval(List<String> classes) {
    this.classes = List.copyOf(classes);
    this.confusion = new long[classes.size()][classes.size() + 1];
  }

  /** One frame: its labels' masks and the model's, on a {@code width} x {@code height} frame. */
  public void add(LabelSet truth, LabelSet predicted, int width, int height) {
    int n = width * height;
    short[] gt = classMap(truth, n);
    short[] pr = classMap(predicted, n);
    for (int i = 0; i < n; i++) {
      if (gt[i] >= 0) {
        confusion[gt[i]][pr[i] >= 0 ? pr[i] : classes.size()]++;
      }
    }
  }

  /** Each pixel's class index (column by column, as COCO's RLE), or -1 where no mask of a known class covers it. */
  private short[] classMap(LabelSet l, int n) {
    short[] map = new short[n];
    Arrays.fill(map, (short) -1);
    if (l == null) {
      return map;
    }
    for (Detection d : l.detections()) {
      int c = classes.indexOf(d.label());
      if (d.mask() == null || c < 0 || (long) d.mask().width() * d.mask().height() != n) {
        continue;
      }
      int[] runs = d.mask().runs();
      int at = 0;
      for (int k = 0; k < runs.length; k++) {
        if (k % 2 == 1) {
          for (int p = at; p < at + runs[k] && p < n; p++) {
            map[p] = (short) c;
          }
        }
        at += runs[k];
      }
    }
    return map;
  }

  /** {@code {"mIoU", "pixelAccuracy", "fwIoU", "perClass": {class: {"IoU", "pixels"}}}}; -1 where nothing was labelled. */
  public Map<String, Object> figures() {
    int k = classes.size();
    long labelled = 0;
    long right = 0;
    long[] rowSum = new long[k];
    long[] colSum = new long[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= k; j++) {
        rowSum[i] += confusion[i][j];
        if (j < k) {
          colSum[j] += confusion[i][j];
        }
      }
      labelled += rowSum[i];
      right += confusion[i][i];
    }
    Map<String, Object> per = new LinkedHashMap<>();
    double sum = 0;
    int present = 0;
    double fw = 0;
    for (int i = 0; i < k; i++) {
      long union = rowSum[i] + colSum[i] - confusion[i][i];
      double iou = union == 0 ? -1 : (double) confusion[i][i] / union;
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("IoU", Evaluation.round(iou));
      c.put("pixels", rowSum[i]);
      per.put(classes.get(i), c);
      if (union > 0) {
        sum += iou;
        present++;
        fw += labelled == 0 ? 0 : (double) rowSum[i] / labelled * iou;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mIoU", Evaluation.round(present == 0 ? -1 : sum / present));
    out.put("pixelAccuracy", Evaluation.round(labelled == 0 ? -1 : (double) right / labelled));
    out.put("fwIoU", Evaluation.round(labelled == 0 ? -1 : fw));
    out.put("perClass", per);
    return out;
  }
}
