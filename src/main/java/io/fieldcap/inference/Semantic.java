package io.fieldcap.inference;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Semantic segmentation output to masks: the class of each pixel (argmax of its scores), mapped back
 * onto the frame (undoing the letterbox's padding and scale, or the stretch), specks under {@code
 * minArea} pixels dropped, then one mask per class present as COCO RLE on the frame's size. Each
 * mask's score is the mean softmax probability of its class over its pixels. Buffers are reused
 * from frame to frame; not thread-safe (one per detector).
 */
final class Semantic {
  private final int minArea;
  private short[] cls = new short[0]; // per output pixel: the top class
  private float[] top = new float[0]; // per output pixel: its softmax probability
  private float[] margin = new float[0]; // per output pixel: top-1 minus top-2 probability
  private short[] map = new short[0]; // per frame pixel: the class, or -1 (dropped speck)
  private double meanMargin;

  Semantic(int minArea) {
    this.minArea = minArea;
  }

  /** The mean margin between the two most likely classes over the frame, 0..1, of the last decode. */
  double meanMargin() {
    return meanMargin;
  }

  /**
   * @param scores {@code [classes, oh, ow]}, flat: logits or probabilities
   * @param inW the model's input width, of which the output is {@code ow / inW}
   */
  List<Detection> decode(float[] scores, int classes, int oh, int ow, int inW, int inH, Letterbox lb, int width,
      int height, List<String> names) {
    argmax(scores, classes, oh * ow);
    // frame pixel -> output pixel, through the model input's coordinates (pixel centres), nearest
    int[] col = new int[width];
    for (int x = 0; x < width; x++) {
      col[x] = clamp((int) Math.floor(((x + 0.5) * lb.scaleX + lb.padX) * ow / inW), ow);
    }
    int[] row = new int[height];
    for (int y = 0; y < height; y++) {
      row[y] = clamp((int) Math.floor(((y + 0.5) * lb.scaleY + lb.padY) * oh / inH), oh);
    }
    int n = width * height;
    if (map.length < n) {
      map = new short[n];
    }
    double marginSum = 0;
    for (int y = 0; y < height; y++) {
      int base = row[y] * ow;
      int o = y * width;
      for (int x = 0; x < width; x++) {
        int p = base + col[x];
        map[o + x] = cls[p];
        marginSum += margin[p];
      }
    }
    meanMargin = n == 0 ? 0 : marginSum / n;
    if (minArea > 1) {
      dropSpecks(width, height, classes);
    }
    return masks(width, height, classes, names, col, row, ow);
  }

  private void argmax(float[] s, int classes, int plane) {
    if (cls.length < plane) {
      cls = new short[plane];
      top = new float[plane];
      margin = new float[plane];
    }
    for (int p = 0; p < plane; p++) {
      int best = 0;
      float max = s[p];
      float second = Float.NEGATIVE_INFINITY;
      for (int c = 1; c < classes; c++) {
        float v = s[c * plane + p];
        if (v > max) {
          second = max;
          max = v;
          best = c;
        } else if (v > second) {
          second = v;
        }
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(s[c * plane + p] - max);
      }
      cls[p] = (short) best;
      top[p] = (float) (1 / sum);
      margin[p] = (float) ((1 - Math.exp(second - max)) / sum);
    }
  }

  /** Pixels of connected regions (8-connected) of one class smaller than minArea lose their class. */
  private void dropSpecks(int width, int height, int classes) {
    int n = width * height;
    boolean[] present = new boolean[classes];
    for (int i = 0; i < n; i++) {
      if (map[i] >= 0) {
        present[map[i]] = true;
      }
    }
    byte[] bits = new byte[n];
    int[] labels = new int[n];
    Mat mask = new Mat(height, width, CvType.CV_8UC1);
    Mat lab = new Mat();
    Mat stats = new Mat();
    Mat centroids = new Mat();
    try {
      for (int c = 0; c < classes; c++) {
        if (!present[c]) {
          continue;
        }
        for (int i = 0; i < n; i++) {
          bits[i] = map[i] == c ? (byte) 1 : 0;
        }
        mask.put(0, 0, bits);
        int count = Imgproc.connectedComponentsWithStats(mask, lab, stats, centroids, 8, CvType.CV_32S);
        boolean[] small = new boolean[count];
        boolean any = false;
        for (int k = 1; k < count; k++) {
          small[k] = stats.get(k, Imgproc.CC_STAT_AREA)[0] < minArea;
          any |= small[k];
        }
        if (!any) {
          continue;
        }
        lab.get(0, 0, labels);
        for (int i = 0; i < n; i++) {
          if (small[labels[i]] && map[i] == c) {
            map[i] = -1;
          }
        }
      }
    } finally {
      mask.release();
      lab.release();
      stats.release();
      centroids.release();
    }
  }

  /** One column-major pass: each class's run boundaries, pixel count, bounding box and score. */
  private List<Detection> masks(int width, int height, int classes, List<String> names, int[] col, int[] row, int ow) {
    int[][] edges = new int[classes][];
    int[] edgeCount = new int[classes];
    long[] area = new long[classes];
    double[] score = new double[classes];
    int[] minX = new int[classes];
    int[] minY = new int[classes];
    int[] maxX = new int[classes];
    int[] maxY = new int[classes];
    Arrays.fill(minX, Integer.MAX_VALUE);
    Arrays.fill(minY, Integer.MAX_VALUE);
    Arrays.fill(maxX, -1);
    Arrays.fill(maxY, -1);
    int prev = -1;
    int idx = 0;
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++, idx++) {
        int c = map[y * width + x];
        if (c != prev) {
          if (prev >= 0) {
            edges[prev] = add(edges[prev], edgeCount[prev]++, idx); // prev's run ends here
          }
          if (c >= 0) {
            edges[c] = add(edges[c], edgeCount[c]++, idx); // c's run starts here
          }
          prev = c;
        }
        if (c >= 0) {
          area[c]++;
          score[c] += top[row[y] * ow + col[x]];
          minX[c] = Math.min(minX[c], x);
          maxX[c] = Math.max(maxX[c], x);
          minY[c] = Math.min(minY[c], y);
          maxY[c] = Math.max(maxY[c], y);
        }
      }
    }
    int n = width * height;
    List<Detection> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      if (area[c] == 0) {
        continue;
      }
      int k = edgeCount[c];
      int[] runs = new int[k + 1];
      int last = 0;
      for (int i = 0; i < k; i++) {
        runs[i] = edges[c][i] - last;
        last = edges[c][i];
      }
      runs[k] = n - last; // the last run: of 1s when the class reaches the last pixel, else of 0s
      String label = c < names.size() ? names.get(c) : "class" + c;
      Box box = new Box(minX[c], minY[c], maxX[c] - minX[c] + 1, maxY[c] - minY[c] + 1);
      double s = Math.max(0, Math.min(1, score[c] / area[c]));
      out.add(new Detection(label, Math.round(s * 1000) / 1000.0, box, null, Rle.of(height, width, runs, k + 1)));
    }
    return out;
  }

  private static int[] add(int[] a, int at, int v) {
    if (a == null) {
      a = new int[16];
    } else if (at == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[at] = v;
    return a;
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size - 1, v));
  }
}
