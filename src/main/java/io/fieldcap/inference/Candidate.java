package io.fieldcap.inference;

/** A box before NMS, in model input pixels (corners); {@code index} is its anchor, for mask coefficients. */
record Candidate(float x1, float y1, float x2, float y2, float score, int cls, int index) {
  Candidate(float x1, float y1, float x2, float y2, float score, int cls) {
    this(x1, y1, x2, y2, score, cls, -1);
  }

  float area() {
    return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  }

  float iou(Candidate o) {
    float ix = Math.max(0, Math.min(x2, o.x2) - Math.max(x1, o.x1));
    float iy = Math.max(0, Math.min(y2, o.y2) - Math.max(y1, o.y1));
    float inter = ix * iy;
    float union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
