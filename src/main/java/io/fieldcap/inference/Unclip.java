package io.fieldcap.inference;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * DBNet's unclip: a text detector's probability map marks a shrunk core of each text region (the
 * training labels were shrunk by {@code A(1 - r²)/L}), so each region found is grown back by {@code
 * area × ratio / perimeter} pixels, as PaddleOCR's post-processing does ({@code unclip_ratio}, 1.5).
 * Here the growth is a disk's sweep along the region's outline (a thick outline with round joins),
 * on the model's output map.
 */
final class Unclip {
  private Unclip() {}

  /** Grows each region of {@code on} ({@code cls[p] >= 0}) in place; {@code cls} is {@code [oh, ow]}, flat. */
  static void grow(short[] cls, int oh, int ow, double ratio) {
    int n = oh * ow;
    byte[] bits = new byte[n];
    for (int i = 0; i < n; i++) {
      bits[i] = cls[i] >= 0 ? (byte) 255 : 0;
    }
    Mat mask = new Mat(oh, ow, CvType.CV_8UC1);
    Mat out = Mat.zeros(oh, ow, CvType.CV_8UC1);
    Mat hierarchy = new Mat();
    List<MatOfPoint> contours = new ArrayList<>();
    try {
      mask.put(0, 0, bits);
      Imgproc.findContours(mask, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
      Scalar on = new Scalar(255);
      for (int k = 0; k < contours.size(); k++) {
        MatOfPoint c = contours.get(k);
        MatOfPoint2f f = new MatOfPoint2f(c.toArray());
        double area = Imgproc.contourArea(c);
        double perimeter = Imgproc.arcLength(f, true);
        f.release();
        Imgproc.drawContours(out, contours, k, on, Imgproc.FILLED);
        int distance = perimeter > 0 ? (int) Math.round(area * ratio / perimeter) : 0;
        if (distance > 0) {
          Imgproc.drawContours(out, contours, k, on, 2 * distance + 1, Imgproc.LINE_8);
        }
      }
      out.get(0, 0, bits);
      for (int i = 0; i < n; i++) {
        cls[i] = bits[i] != 0 ? (short) 0 : -1;
      }
    } finally {
      contours.forEach(Mat::release);
      mask.release();
      out.release();
      hierarchy.release();
    }
  }
}
