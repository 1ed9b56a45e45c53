package io.fieldcap.dataset.format;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.store.StoredFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Corrections of semantic masks that come back as polygons (labelme, CVAT, Label Studio polygons and
 * YOLO segment hold shapes, not masks; fieldcap exports each region of a mask as one polygon): for a
 * frame whose labels hold masks, the polygons of a mask class are filled back into one mask of that
 * class, so that the reviewed revision is a class map again (for VOC's {@code SegmentationClass}, COCO
 * RLE, the coverage of each class). A polygon's pixels are those whose centre it covers or touches
 * (OpenCV's {@code fillPoly}, as the exporter's outlines run through the centres of a region's edge
 * pixels). Holes are not kept by those formats, so a region's hole comes back filled; where
 * polygons of two classes overlap, each class keeps its own pixels.
 */
public final class PolygonMasks {
  private PolygonMasks() {}

  /** The classes that are masks in the frame's pre-labels or its latest reviewed labels. */
  public static Set<String> maskClasses(StoredFrame f) {
    Set<String> out = new TreeSet<>();
    for (LabelSet ls : new LabelSet[] {f.labels(), f.reviewed()}) {
      if (ls != null) {
        ls.detections().stream().filter(d -> d.mask() != null).forEach(d -> out.add(d.label()));
      }
    }
    return out;
  }

  /**
   * The labels with the polygons of {@code maskClasses} filled into one mask per class (in the place of
   * the class's first polygon); other labels as they are.
   */
  public static List<Detection> merge(List<Detection> labels, Set<String> maskClasses, int width, int height) {
    if (maskClasses.isEmpty() || labels.stream().noneMatch(d -> isOutline(d, maskClasses))) {
      return labels;
    }
    Map<String, List<Detection>> byClass = new LinkedHashMap<>();
    List<Object> order = new ArrayList<>(); // a detection kept as it is, or the name of a class to fill
    for (Detection d : labels) {
      if (isOutline(d, maskClasses)) {
        if (!byClass.containsKey(d.label())) {
          order.add(d.label());
        }
        byClass.computeIfAbsent(d.label(), k -> new ArrayList<>()).add(d);
      } else {
        order.add(d);
      }
    }
    List<Detection> out = new ArrayList<>();
    for (Object o : order) {
      if (o instanceof Detection d) {
        out.add(d);
      } else {
        List<Detection> polys = byClass.get((String) o);
        Rle mask = fill(polys, width, height);
        if (mask.area() > 0) {
          double score = polys.stream().mapToDouble(Detection::score).max().orElse(1.0);
          out.add(new Detection((String) o, score, mask.box(), null, mask));
        }
      }
    }
    return out;
  }

  private static boolean isOutline(Detection d, Set<String> maskClasses) {
    return d.mask() == null && d.polygon() != null && d.polygon().size() >= 6 && maskClasses.contains(d.label());
  }

  /** The polygons filled into one mask of the image's size. */
  static Rle fill(List<Detection> polygons, int width, int height) {
    OpenCv.load();
    Mat m = Mat.zeros(height, width, CvType.CV_8UC1);
    List<MatOfPoint> shapes = new ArrayList<>();
    try {
      for (Detection d : polygons) {
        List<Double> p = d.polygon();
        Point[] pts = new Point[p.size() / 2];
        for (int i = 0; i < pts.length; i++) {
          pts[i] = new Point(Math.round(p.get(2 * i)), Math.round(p.get(2 * i + 1)));
        }
        shapes.add(new MatOfPoint(pts));
      }
      for (MatOfPoint shape : shapes) { // one by one: fillPoly of several fills their overlap even-odd (as a hole)
        Imgproc.fillPoly(m, List.of(shape), new Scalar(1));
      }
      byte[] bits = new byte[width * height];
      m.get(0, 0, bits);
      return Rle.fromRowMajor(height, width, bits);
    } finally {
      m.release();
      shapes.forEach(Mat::release);
    }
  }
}
