package io.fieldcap.update;

import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What each model did on live frames, for probation: frames, detections and inference errors per
 * model (keyed by the detector object, so a switch starts a fresh count). The labeler reports every
 * frame; the updater reads. The previous model's rate is the baseline a new model's is held to.
 */
public final class Watch {
  /** Counts of one model. */
  public record Counts(long frames, long detections, long errors) {
    double perFrame() {
      return frames == 0 ? 0 : (double) detections / frames;
    }
  }

  private final Map<Object, long[]> byModel = new WeakHashMap<>();

  /** One frame through {@code model}: how many detections, or an inference error. */
  public synchronized void observe(Object model, int detections, boolean failed) {
    long[] c = byModel.computeIfAbsent(model, k -> new long[3]);
    c[0]++;
    if (failed) {
      c[2]++;
    } else {
      c[1] += detections;
    }
  }

  public synchronized Counts counts(Object model) {
    long[] c = byModel.get(model);
    return c == null ? new Counts(0, 0, 0) : new Counts(c[0], c[1], c[2]);
  }

  /**
   * Why a model on probation must be rolled back, or null while it does well enough: inference
   * errors on more than a tenth of its frames (at least 3), or, after {@code minFrames} frames, a
   * detection rate below {@code ratio} times the previous model's (when that one found anything).
   */
  public static String verdict(Counts now, Counts before, int minFrames, double ratio) {
    if (now.errors() >= 3 && now.errors() * 10 > now.frames()) {
      return "inference failed on " + now.errors() + " of " + now.frames() + " live frames";
    }
    if (now.frames() < minFrames || before == null || before.frames() < minFrames || before.detections() == 0) {
      return null;
    }
    if (now.perFrame() < before.perFrame() * ratio) {
      return String.format(Locale.ROOT,
          "the detection rate collapsed: %.2f detections per frame over %d live frames, against %.2f with the previous model",
          now.perFrame(), now.frames(), before.perFrame());
    }
    return null;
  }

  /**
   * Why a model on probation cannot pass yet, or null when it has the evidence: at least {@code
   * minFrames} live frames of its own, and, when the previous model found anything, at least {@code
   * minFrames} of the previous model's to compare with (else the comparison was never made). Time
   * alone never passes a model: a trail camera with a frame a minute would promote any broken one.
   */
  public static String unproven(Counts now, Counts before, int minFrames) {
    if (now.frames() < minFrames) {
      return "watched on " + now.frames() + " live frames of the " + minFrames + " it needs";
    }
    if (before != null && before.detections() > 0 && before.frames() < minFrames) {
      return "the previous model was watched on " + before.frames() + " live frames, fewer than the " + minFrames
          + " to compare with";
    }
    return null;
  }
}
