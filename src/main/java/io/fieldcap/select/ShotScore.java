package io.fieldcap.select;

import io.fieldcap.model.Box;

/**
 * How good a view of one object a frame gives, for {@code best-shot}: the detection's score × the share
 * of the frame its box covers × the sharpness inside the box, halved when the box touches the frame's
 * edge (the object is probably cut). Sharpness is the variance of the 4-neighbour Laplacian of the green
 * channel over the variance of the green levels (+1), as for the whole frame ({@link FrameQuality}), so
 * a dim object in focus scores like a bright one, mapped to 0..1 by {@code s / (1 + s)}; it is sampled on
 * at most 96 × 96 points of the box.
 */
public final class ShotScore {
  /** Box edges within this many pixels of the frame's edge count as cut. */
  static final double EDGE = 2;
  private static final int SAMPLES = 96;

  private ShotScore() {}

  /** The score of a detection {@code score} with {@code box} in a {@code width x height} BGR frame. */
  public static double of(double score, Box box, int width, int height, byte[] bgr) {
    double area = Math.min(1, box.w() * box.h() / ((double) width * height));
    boolean cut = box.x() <= EDGE || box.y() <= EDGE || box.x() + box.w() >= width - EDGE
        || box.y() + box.h() >= height - EDGE;
    double s = sharpness(box, width, height, bgr);
    return score * area * (s / (1 + s)) * (cut ? 0.5 : 1);
  }

  /** Laplacian variance over level variance (+1) inside the box; 0 for a box too small to measure. */
  static double sharpness(Box box, int width, int height, byte[] bgr) {
    int x0 = Math.max(1, (int) Math.floor(box.x()));
    int y0 = Math.max(1, (int) Math.floor(box.y()));
    int x1 = Math.min(width - 2, (int) Math.ceil(box.x() + box.w()) - 1);
    int y1 = Math.min(height - 2, (int) Math.ceil(box.y() + box.h()) - 1);
    if (x1 - x0 < 2 || y1 - y0 < 2) {
      return 0;
    }
    int sx = Math.max(1, (x1 - x0 + 1) / SAMPLES);
    int sy = Math.max(1, (y1 - y0 + 1) / SAMPLES);
    double lapSum = 0;
    double lapSq = 0;
    double levSum = 0;
    double levSq = 0;
    long n = 0;
    for (int y = y0; y <= y1; y += sy) {
      for (int x = x0; x <= x1; x += sx) {
        int c = green(bgr, width, x, y);
        int lap = green(bgr, width, x - 1, y) + green(bgr, width, x + 1, y) + green(bgr, width, x, y - 1)
            + green(bgr, width, x, y + 1) - 4 * c;
        lapSum += lap;
        lapSq += (double) lap * lap;
        levSum += c;
        levSq += (double) c * c;
        n++;
      }
    }
    double lapVar = lapSq / n - (lapSum / n) * (lapSum / n);
    double levVar = levSq / n - (levSum / n) * (levSum / n);
    return Math.max(0, lapVar) / (Math.max(0, levVar) + 1);
  }

  private static int green(byte[] bgr, int width, int x, int y) {
    return bgr[(y * width + x) * 3 + 1] & 0xff;
  }
}
