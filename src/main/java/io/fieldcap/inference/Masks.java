package io.fieldcap.inference;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;

/**
 * Ultralytics' instance masks: the sigmoid of the instance's coefficients times the prototypes,
 * cropped to its box, thresholded at 0.5; the outline is the largest external contour (as
 * Ultralytics' {@code masks2segments} does), in model input pixels.
 */
final class Masks {
  private Masks() {}

  /**
   * @param protos prototypes {@code [nm, mh, mw]}, flat
   * @param coeffs the instance's {@code nm} coefficients
   * @param box the instance's box in model input pixels
   * @param stride model input pixels per prototype pixel
   * @return the outline as x, y pairs in model input pixels, or empty when the mask is empty
   */
  static List<double[]> outline(float[] protos, float[] coeffs, int mh, int mw, Candidate box, double stride) {
    int nm = coeffs.length;
    int x0 = Math.max(0, (int) Math.floor(box.x1() / stride));
    int y0 = Math.max(0, (int) Math.floor(box.y1() / stride));
    int x1 = Math.min(mw, (int) Math.ceil(box.x2() / stride));
    int y1 = Math.min(mh, (int) Math.ceil(box.y2() / stride));
    if (x1 <= x0 || y1 <= y0) {
      return List.of();
    }
    byte[] bits = new byte[mh * mw];
    int plane = mh * mw;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int p = y * mw + x;
        float v = 0;
        for (int k = 0; k < nm; k++) {
          v += coeffs[k] * protos[k * plane + p];
        }
        bits[p] = v > 0 ? (byte) 255 : 0; // sigmoid(v) > 0.5
      }
    }
    Mat mask = new Mat(mh, mw, CvType.CV_8UC1);
    Mat hierarchy = new Mat();
    List<MatOfPoint> contours = new ArrayList<>();
    try {
      mask.put(0, 0, bits);
      Imgproc.findContours(mask, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
      MatOfPoint largest = null;
      double area = -1;
      for (MatOfPoint c : contours) {
        double a = Imgproc.contourArea(c);
        if (a > area) {
          area = a;
          largest = c;
        }
      }
      if (largest == null || largest.total() < 3) {
        return List.of();
      }
      MatOfPoint2f approx = new MatOfPoint2f();
      Imgproc.approxPolyDP(new MatOfPoint2f(largest.toArray()), approx, 0.5, true);
      List<double[]> out = new ArrayList<>();
      for (Point p : approx.toArray()) {
        out.add(new double[] {(p.x + 0.5) * stride, (p.y + 0.5) * stride});
      }
      approx.release();
      return out.size() >= 3 ? out : List.of();
    } finally {
      mask.release();
      hierarchy.release();
      contours.forEach(Mat::release);
    }
  }
}
