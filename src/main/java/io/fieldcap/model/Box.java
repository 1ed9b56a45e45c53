package io.fieldcap.model;

/** An axis-aligned box in pixels of the original frame, COCO's convention: top-left corner, width, height. */
public record Box(double x, double y, double w, double h) {
  public Box {
    if (!(w >= 0) || !(h >= 0)) {
      throw new IllegalArgumentException("box width and height must not be negative, were " + w + " and " + h);
    }
  }

  /** Intersection over union with {@code o}: 0 for boxes that do not overlap (or have no area), 1 for equal boxes. */
  public double iou(Box o) {
    double ix = Math.max(0, Math.min(x + w, o.x + o.w) - Math.max(x, o.x));
    double iy = Math.max(0, Math.min(y + h, o.y + o.h) - Math.max(y, o.y));
    double inter = ix * iy;
    double union = w * h + o.w * o.h - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
