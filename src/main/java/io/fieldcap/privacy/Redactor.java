package io.fieldcap.privacy;

import io.fieldcap.config.PrivacyConfig.Mode;
import io.fieldcap.config.PrivacyConfig;
import io.fieldcap.image.OpenCv;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Makes faces, chosen classes and fixed regions unrecognisable in a frame's pixels, before the frame
 * is encoded: what is redacted never reaches the disk. Faces come from a BlazeFace model run on the
 * frame; each region is widened by a sixth of its size on every side so hair and chin go too. The
 * face model then looks again at the redacted frame, and whatever it still takes for a face (a
 * blurred head's outline can score 0.6) is redacted too, up to {@value #PASSES} passes. Used by one
 * thread (the spool writer), and only for frames the rules keep.
 */
public final class Redactor implements AutoCloseable {
  static {
    OpenCv.load();
  }

  static final int PASSES = 3;

  private final PrivacyConfig config;
  private final OnnxDetector faces;
  private final Mat frame = new Mat();

  public Redactor(PrivacyConfig config) throws ModelException {
    this.config = config;
    this.faces = config.faces() == Mode.OFF ? null : OnnxDetector.open(new OnnxDetector.Options(config.faceModel(),
        null, null, (float) config.faceScore(), 0.3f, "cpu", 1));
  }

  /**
   * Redacts {@code bgr} in place.
   *
   * @param labels the frame's pre-labels (null without a model), for the classes to redact
   * @return the faces found, and whether anything was changed
   * @throws ModelException when a region cannot be found: the face model fails, or classes are to be
   *     redacted and the frame has no pre-labels (the model failed on it). Such a frame must be dropped
   */
  public Redaction redact(int width, int height, byte[] bgr, LabelSet labels) throws ModelException {
    if (labels == null && !config.classes().isEmpty()) {
      // fail closed: without pre-labels the classes to redact cannot be found, so the frame must not be stored
      throw new ModelException("the frame has no pre-labels, so privacy.classes " + config.classes() + " cannot be found in it");
    }
    List<Detection> found = faces(width, height, bgr);
    List<Detection> regions = new ArrayList<>(found);
    if (labels != null && !config.classes().isEmpty()) {
      for (Detection d : labels.detections()) {
        if (config.classes().contains(d.label()) && d.box() != null) {
          regions.add(d);
        }
      }
    }
    if (regions.isEmpty() && config.masks().isEmpty()) {
      return new Redaction(found, false);
    }
    frame.create(height, width, CvType.CV_8UC3);
    frame.put(0, 0, bgr);
    obscure(regions, width, height);
    for (List<double[]> poly : config.masks()) {
      List<Point> pts = new ArrayList<>();
      for (double[] p : poly) {
        pts.add(new Point(p[0] * width, p[1] * height));
      }
      MatOfPoint m = new MatOfPoint();
      m.fromList(pts);
      Imgproc.fillPoly(frame, List.of(m), new Scalar(0, 0, 0));
      m.release();
    }
    frame.get(0, 0, bgr);
    for (int pass = 1; pass < PASSES && !found.isEmpty(); pass++) {
      List<Detection> left = faces(width, height, bgr);
      if (left.isEmpty()) {
        break;
      }
      obscure(left, width, height);
      frame.get(0, 0, bgr);
    }
    return new Redaction(found, true);
  }

  /**
   * What {@link #redact} did.
   *
   * @param faces the faces found (empty when face redaction is off)
   * @param changed whether any pixel was changed: when not, the frame may be stored as it came
   */
  public record Redaction(List<Detection> faces, boolean changed) {}

  /** Obscures each detection's widened box in {@link #frame}, in the configured mode (classes alone: blur). */
  private void obscure(List<Detection> regions, int width, int height) {
    Mode mode = config.faces() == Mode.OFF ? Mode.BLUR : config.faces();
    for (Detection d : regions) {
      Rect r = widen(d.box(), width, height);
      if (r.width > 0 && r.height > 0) {
        obscure(frame.submat(r), mode);
      }
    }
  }

  private List<Detection> faces(int width, int height, byte[] bgr) throws ModelException {
    List<Detection> out = new ArrayList<>();
    if (faces != null) {
      for (Detection d : faces.detect(width, height, bgr).detections()) {
        if (d.score() >= config.faceScore() && d.box() != null) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private static Rect widen(Box b, int width, int height) {
    double dx = b.w() / 6;
    double dy = b.h() / 6;
    int x0 = (int) Math.max(0, Math.floor(b.x() - dx));
    int y0 = (int) Math.max(0, Math.floor(b.y() - dy));
    int x1 = (int) Math.min(width, Math.ceil(b.x() + b.w() + dx));
    int y1 = (int) Math.min(height, Math.ceil(b.y() + b.h() + dy));
    return new Rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  private static void obscure(Mat roi, Mode mode) {
    if (mode == Mode.PIXELATE) {
      Mat small = new Mat();
      Imgproc.resize(roi, small, new Size(Math.max(1, roi.cols() / 8), Math.max(1, roi.rows() / 8)), 0, 0,
          Imgproc.INTER_AREA);
      Imgproc.resize(small, roi, roi.size(), 0, 0, Imgproc.INTER_NEAREST);
      small.release();
    } else {
      // a sigma of a quarter of the region leaves shapes, no features; twice removes what the kernel's edge kept
      double sigma = Math.max(2, Math.max(roi.cols(), roi.rows()) / 4.0);
      Imgproc.GaussianBlur(roi, roi, new Size(0, 0), sigma);
      Imgproc.GaussianBlur(roi, roi, new Size(0, 0), sigma);
    }
    roi.release();
  }

  @Override
  public void close() {
    if (faces != null) {
      faces.close();
    }
    frame.release();
  }
}
