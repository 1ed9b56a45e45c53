package io.fieldcap.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * MediaPipe BlazeFace decoding for the two-layer exports (896 anchors: a 16x16 grid with 2 anchors
 * per cell, then an 8x8 grid with 6): each anchor sits at its cell's centre; the box centre is the
 * anchor plus the regressed offset divided by the input size, width and height are the regressed
 * values divided by the input size, and the score is the sigmoid of the raw score. MediaPipe's
 * fixed-size anchors make the anchor width 1, so no further scaling applies.
 */
final class BlazeFace {
  private BlazeFace() {}

  /** One output layer: its scores {@code [1, n, 1]} and boxes {@code [1, n, 16]}. */
  static void decodeLayer(float[] scores, float[] boxes, int cells, int anchorsPerCell, int inputSize, float conf,
      List<Candidate> out) {
    int values = boxes.length / scores.length;
    for (int row = 0; row < cells; row++) {
      for (int col = 0; col < cells; col++) {
        float ax = (col + 0.5f) / cells * inputSize;
        float ay = (row + 0.5f) / cells * inputSize;
        for (int a = 0; a < anchorsPerCell; a++) {
          int i = (row * cells + col) * anchorsPerCell + a;
          float raw = Math.max(-100f, Math.min(100f, scores[i]));
          float score = (float) (1 / (1 + Math.exp(-raw)));
          if (score < conf) {
            continue;
          }
          int o = i * values;
          float cx = ax + boxes[o];
          float cy = ay + boxes[o + 1];
          float w = boxes[o + 2];
          float h = boxes[o + 3];
          out.add(new Candidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, 0));
        }
      }
    }
  }

  static List<Candidate> decode(float[] scores16, float[] boxes16, float[] scores8, float[] boxes8, int inputSize,
      float conf) {
    List<Candidate> out = new ArrayList<>();
    decodeLayer(scores16, boxes16, 16, 2, inputSize, conf, out);
    decodeLayer(scores8, boxes8, 8, 6, inputSize, conf, out);
    return out;
  }
}
