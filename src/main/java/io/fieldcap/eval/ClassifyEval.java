package io.fieldcap.eval;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification figures: a frame's class is its whole-frame label (one without a box); the model's
 * answer its whole-frame labels by score. Top-1 and top-5 accuracy, per class precision and recall of
 * the top answer, and the confusion matrix [label][top answer] (the last column: no answer). Frames
 * without a whole-frame label of a known class are not counted.
 */
public final class ClassifyEval {
  private final List<String> classes;
  private final long[][] confusion;
  private long frames;
  private long top1;
  private long top5;

  public ClassifyEval(List<String> classes) {
    this.classes = List.copyOf(classes);
    this.confusion = new long[classes.size()][classes.size() + 1];
  }

  /** One frame's labels and the model's answer. */
  public void add(LabelSet truth, LabelSet predicted) {
    int t = -1;
    if (truth != null) {
      for (Detection d : truth.detections()) {
        if (d.box() == null && classes.contains(d.label())) {
          t = classes.indexOf(d.label());
          break;
        }
      }
    }
    if (t < 0) {
      return;
    }
    List<Detection> answers = new ArrayList<>();
    if (predicted != null) {
      for (Detection d : predicted.detections()) {
        if (d.box() == null) {
          answers.add(d);
        }
      }
    }
    answers.sort(Comparator.comparingDouble((Detection d) -> -d.score()));
    frames++;
    int first = answers.isEmpty() ? classes.size() : Math.max(-1, classes.indexOf(answers.get(0).label()));
    confusion[t][first < 0 ? classes.size() : first]++;
    for (int i = 0; i < Math.min(5, answers.size()); i++) {
      if (answers.get(i).label().equals(classes.get(t))) {
        top1 += i == 0 ? 1 : 0;
        top5++;
        break;
      }
    }
  }

  /** {@code {"frames", "top1", "top5", "perClass": {class: {"precision", "recall"}}, "confusion": [[...]]}}. */
  public Map<String, Object> figures() {
    int k = classes.size();
    Map<String, Object> per = new LinkedHashMap<>();
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long labelled = 0;
      long answered = 0;
      for (int j = 0; j <= k; j++) {
        labelled += confusion[c][j];
      }
      for (int i = 0; i < k; i++) {
        answered += confusion[i][c];
      }
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("precision", Evaluation.round(answered == 0 ? -1 : (double) tp / answered));
      x.put("recall", Evaluation.round(labelled == 0 ? -1 : (double) tp / labelled));
      per.put(classes.get(c), x);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frames", frames);
    out.put("top1", Evaluation.round(frames == 0 ? -1 : (double) top1 / frames));
    out.put("top5", Evaluation.round(frames == 0 ? -1 : (double) top5 / frames));
    out.put("perClass", per);
    out.put("confusion", confusion);
    return out;
  }
}
