package io.fieldcap.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns raw model outputs into candidates, as the trainers' own post-processing does. Inputs are
 * the flat output tensors; coordinates stay in model input pixels until the detector maps them back.
 */
final class Decoders {
  static final int MAX_DETECTIONS = 300;

  private Decoders() {}

  /** YOLOv8/YOLO11 {@code [1, 4+nc(+nm), n]}: score is the best class score; mask coefficients, if any, follow. */
  static List<Candidate> yoloV8(float[] out, int nc, int n, float conf) {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int best = -1;
      float score = conf;
      for (int k = 0; k < nc; k++) {
        float s = out[(4 + k) * n + i];
        if (s >= score) {
          score = s;
          best = k;
        }
      }
      if (best >= 0) {
        c.add(fromCenter(out[i], out[n + i], out[2 * n + i], out[3 * n + i], score, best, i));
      }
    }
    return c;
  }

  /** YOLOv5 {@code [1, n, 5+nc]}: score is objectness times the best class score. */
  static List<Candidate> yoloV5(float[] out, int nc, int n, float conf) {
    List<Candidate> c = new ArrayList<>();
    int stride = 5 + nc;
    for (int i = 0; i < n; i++) {
      int o = i * stride;
      float obj = out[o + 4];
      if (obj < conf) {
        continue;
      }
      int best = -1;
      float score = conf;
      for (int k = 0; k < nc; k++) {
        float s = obj * out[o + 5 + k];
        if (s >= score) {
          score = s;
          best = k;
        }
      }
      if (best >= 0) {
        c.add(fromCenter(out[o], out[o + 1], out[o + 2], out[o + 3], score, best, i));
      }
    }
    return c;
  }

  /** End-to-end {@code [1, n, 6]}: x1, y1, x2, y2, score, class; NMS already done by the model. */
  static List<Candidate> endToEnd(float[] out, int n, float conf) {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int o = i * 6;
      if (out[o + 4] >= conf) {
        c.add(new Candidate(out[o], out[o + 1], out[o + 2], out[o + 3], out[o + 4], Math.round(out[o + 5])));
      }
    }
    c.sort(Comparator.comparingDouble(Candidate::score).reversed());
    return c.size() > MAX_DETECTIONS ? c.subList(0, MAX_DETECTIONS) : c;
  }

  /** Classification {@code [1, nc]}: probabilities, or logits turned into them with a softmax. */
  static float[] probabilities(float[] out) {
    double sum = 0;
    boolean unit = true;
    for (float v : out) {
      sum += v;
      unit &= v >= 0 && v <= 1;
    }
    if (unit && Math.abs(sum - 1) < 1e-3) {
      return out.clone();
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : out) {
      max = Math.max(max, v);
    }
    double z = 0;
    float[] p = new float[out.length];
    for (int i = 0; i < out.length; i++) {
      p[i] = (float) Math.exp(out[i] - max);
      z += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= (float) z;
    }
    return p;
  }

  private static Candidate fromCenter(float cx, float cy, float w, float h, float score, int cls, int index) {
    return new Candidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, cls, index);
  }

  /** Greedy non-maximum suppression within each class, highest score first, at most 300 kept. */
  static List<Candidate> nms(List<Candidate> in, float iou) {
    List<Candidate> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparingDouble(Candidate::score).reversed());
    List<Candidate> kept = new ArrayList<>();
    for (Candidate c : sorted) {
      boolean keep = true;
      for (Candidate k : kept) {
        if (k.cls() == c.cls() && k.iou(c) > iou) {
          keep = false;
          break;
        }
      }
      if (keep) {
        kept.add(c);
        if (kept.size() == MAX_DETECTIONS) {
          break;
        }
      }
    }
    return kept;
  }
}
