package io.fieldcap.model;

/** An axis-aligned box in pixels of the original frame, COCO's convention: top-left corner, width, height. */
public record Box(double x, double y, double w, double h) {
  public Box {
    if (!(w >= 0) || !(h >= 0)) {
      throw new IllegalArgumentException("box width and height must not be negative, were " + w + " and " + h);
    }
  }
}
