package io.fieldcap.update;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.util.ArrayList;
import java.util.List;

/** Compares a staged model's detections on the golden images with the expected ones. */
final class Golden {
  private Golden() {}

  /** How many of {@code expected} are matched, one to one, by a detection of the same class at IoU {@code iou} or more. */
  static int matched(List<Bundle.Expected> expected, List<Detection> found, double iou) {
    List<Detection> left = new ArrayList<>(found);
    int n = 0;
    for (Bundle.Expected e : expected) {
      Detection best = null;
      double bestIou = iou;
      for (Detection d : left) {
        double o = new Box(e.x(), e.y(), e.w(), e.h()).iou(d.box());
        if (d.label().equals(e.label()) && o >= bestIou) {
          best = d;
          bestIou = o;
        }
      }
      if (best != null) {
        left.remove(best);
        n++;
      }
    }
    return n;
  }

  /** The expected detections a model found on an image, for a bundle made on the workstation. */
  static List<Bundle.Expected> expected(List<Detection> found) {
    List<Bundle.Expected> l = new ArrayList<>();
    for (Detection d : found) {
      l.add(new Bundle.Expected(d.label(), round(d.box().x()), round(d.box().y()), round(d.box().w()), round(d.box().h())));
    }
    return l;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
