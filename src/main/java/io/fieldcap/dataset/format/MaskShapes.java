package io.fieldcap.dataset.format;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;

/**
 * Semantic masks for formats that hold shapes, not masks (YOLO, labelme, CVAT, Label Studio
 * polygons): each connected region (8-connected) of a class becomes one polygon, its outer outline
 * (holes are not kept: these formats' polygons have none) simplified to within one pixel, with the
 * region's bounding box; regions whose outline has fewer than 3 points are left out. A class named
 * {@code background} is no object and gives no shapes. Formats without shapes for masks (boxes
 * only) leave masks out entirely: a region's box is not an object's box.
 */
final class MaskShapes {
  /** False for a semantic model's background class, which is no object in any format. */
  static boolean isObject(Detection d) {
    return !d.backgroundMask();
  }

  /** Outlines within this many pixels of the region's edge. */
  static final double EPSILON = 1.0;

  private MaskShapes() {}

  /**
   * The detections as an exporter of shapes writes them: masks as one polygon per region when
   * {@code polygons}, else left out; the others as they are.
   */
  static List<Detection> shapes(LabelSet labels, boolean polygons) {
    if (labels == null) {
      return List.of();
    }
    List<Detection> out = new ArrayList<>();
    for (Detection d : labels.detections()) {
      if (d.mask() == null) {
        out.add(d);
      } else if (polygons && isObject(d)) {
        out.addAll(regions(d));
      }
    }
    return out;
  }

  /** One detection per connected region of the mask, with its outline as the polygon. */
  static List<Detection> regions(Detection d) {
    OpenCv.load();
    int h = d.mask().height();
    int w = d.mask().width();
    byte[] bits = d.mask().toRowMajor();
    Mat m = new Mat(h, w, CvType.CV_8UC1);
    Mat hierarchy = new Mat();
    List<MatOfPoint> contours = new ArrayList<>();
    List<Detection> out = new ArrayList<>();
    try {
      m.put(0, 0, bits);
      Imgproc.findContours(m, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
      for (MatOfPoint c : contours) {
        MatOfPoint2f curve = new MatOfPoint2f(c.toArray());
        MatOfPoint2f simple = new MatOfPoint2f();
        Imgproc.approxPolyDP(curve, simple, EPSILON, true);
        Point[] pts = simple.toArray();
        curve.release();
        simple.release();
        c.release();
        if (pts.length < 3) {
          continue;
        }
        List<Double> polygon = new ArrayList<>(pts.length * 2);
        double x0 = Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double x1 = -1;
        double y1 = -1;
        for (Point p : pts) {
          // contour points are the centres of edge pixels; the region's edge is half a pixel further out
          polygon.add(p.x);
          polygon.add(p.y);
          x0 = Math.min(x0, p.x);
          y0 = Math.min(y0, p.y);
          x1 = Math.max(x1, p.x);
          y1 = Math.max(y1, p.y);
        }
        out.add(new Detection(d.label(), d.score(), new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1), polygon));
      }
    } finally {
      m.release();
      hierarchy.release();
    }
    return out;
  }
}
