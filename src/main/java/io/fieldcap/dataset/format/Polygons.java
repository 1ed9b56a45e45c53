package io.fieldcap.dataset.format;

import java.util.ArrayList;
import java.util.List;

/** Polygons as x1, y1, x2, y2, …: area and clipping to an image. */
public final class Polygons {
  private Polygons() {}

  /** The shoelace area. */
  public static double area(List<Double> p) {
    return CocoExporter.polygonArea(p);
  }

  /** The polygon clipped to [0, w] x [0, h] (Sutherland-Hodgman); fewer than 3 points when nothing is inside. */
  public static List<Double> clip(List<Double> p, double w, double h) {
    List<Double> out = p;
    out = edge(out, 0, 0, true);
    out = edge(out, 0, w, false);
    out = edge(out, 1, 0, true);
    out = edge(out, 1, h, false);
    return out;
  }

  /** Keeps the side of the line coordinate[axis] = at that is {@code >= at} (low) or {@code <= at}. */
  private static List<Double> edge(List<Double> p, int axis, double at, boolean low) {
    List<Double> out = new ArrayList<>();
    int n = p.size() / 2;
    for (int i = 0; i < n; i++) {
      double ax = p.get(2 * i);
      double ay = p.get(2 * i + 1);
      int j = (i + 1) % n;
      double bx = p.get(2 * j);
      double by = p.get(2 * j + 1);
      double a = axis == 0 ? ax : ay;
      double b = axis == 0 ? bx : by;
      boolean aIn = low ? a >= at : a <= at;
      boolean bIn = low ? b >= at : b <= at;
      if (aIn) {
        out.add(ax);
        out.add(ay);
      }
      if (aIn != bIn) {
        double t = (at - a) / (b - a);
        out.add(ax + t * (bx - ax));
        out.add(ay + t * (by - ay));
      }
    }
    return out;
  }
}
