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
 * Semantic segmentation output to masks: the class of each pixel (argmax of its scores, or for a
 * binary map whether its probability reaches the threshold), mapped back
 * onto the frame (undoing the letterbox's padding and scale, or the stretch), specks under {@code
 * minArea} frame pixels dropped (judged on the output map), then one mask per class present as COCO
 * RLE on the frame's size. Each mask's score is the mean softmax probability of its class over every
 * {@value #STEP}-th output cell each way (all of its cells when the sample misses it). Buffers are
 * reused from frame to frame; not thread-safe (one per detector).
 */
final class Semantic {
  private final int minArea;
  private short[] cls = new short[0]; // per output pixel: the top class
  private float[] max = new float[0]; // per output pixel: the top score
  private float[] second = new float[0]; // per output pixel: the second score
  private short[] map = new short[0]; // per frame pixel, column by column: the class, or -1 (dropped speck)
  private double[] classScore = new double[0]; // per class: mean softmax probability over the sampled pixels
  private double meanMargin;
  /** Softmax statistics (scores, margin) are taken on every STEP-th output pixel each way: exp is the dear part. */
  static final int STEP = 2;

  Semantic(int minArea) {
    this.minArea = minArea;
  }

  /** The mean margin between the two most likely classes, 0..1, over the sampled output cells covering the last frame. */
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
    int[] col = columns(ow, inW, lb, width);
    int[] row = rows(oh, inH, lb, height);
    softmax(scores, classes, oh, ow, row[0], row[height - 1], col[0], col[width - 1]);
    return toFrame(classes, oh, ow, row, col, width, height, names);
  }

  /**
   * A binary map: the pixels whose probability is at least {@code threshold} are the class, the others
   * none. A map with values outside 0..1 is taken as logits (the threshold applies to their sigmoid).
   * The mask's score is the mean probability of its output pixels; the margin, the mean of {@code |2p - 1|}.
   * With {@code unclip} over 0, each region is grown as DBNet's post-processing does ({@link Unclip}).
   *
   * @param map {@code [oh, ow]}, flat
   */
  List<Detection> decodeBinary(float[] map, int oh, int ow, int inW, int inH, Letterbox lb, int width, int height,
      float threshold, double unclip, String name) {
    int plane = oh * ow;
    if (cls.length < plane) {
      cls = new short[plane]; // a detector decodes one family: max and second are the softmax family's
    }
    boolean logits = false;
    for (int p = 0; p < plane && !logits; p++) {
      logits = map[p] < 0 || map[p] > 1;
    }
    int[] col = columns(ow, inW, lb, width);
    int[] row = rows(oh, inH, lb, height);
    double fg = 0;
    long fgCount = 0;
    double margin = 0;
    long cells = 0;
    for (int y = 0; y < oh; y++) {
      boolean inside = y >= row[0] && y <= row[height - 1];
      for (int x = 0, p = y * ow; x < ow; x++, p++) {
        float v = logits ? (float) (1 / (1 + Math.exp(-map[p]))) : map[p];
        boolean on = v >= threshold;
        cls[p] = on ? (short) 0 : -1;
        if (inside && x >= col[0] && x <= col[width - 1]) {
          margin += Math.abs(2 * v - 1);
          cells++;
          if (on) {
            fg += v;
            fgCount++;
          }
        }
      }
    }
    classScore = new double[] {fgCount == 0 ? Double.NaN : fg / fgCount};
    meanMargin = cells == 0 ? 0 : margin / cells;
    if (unclip > 0 && fgCount > 0) {
      Unclip.grow(cls, oh, ow, unclip);
    }
    return toFrame(1, oh, ow, row, col, width, height, List.of(name));
  }

  /** Frame column -> output column, through the model input's coordinates (pixel centres), nearest. */
  private static int[] columns(int ow, int inW, Letterbox lb, int width) {
    int[] col = new int[width];
    for (int x = 0; x < width; x++) {
      col[x] = clamp((int) Math.floor(((x + 0.5) * lb.scaleX + lb.padX) * ow / inW), ow);
    }
    return col;
  }

  private static int[] rows(int oh, int inH, Letterbox lb, int height) {
    int[] row = new int[height];
    for (int y = 0; y < height; y++) {
      row[y] = clamp((int) Math.floor(((y + 0.5) * lb.scaleY + lb.padY) * oh / inH), oh);
    }
    return row;
  }

  /** The output map's classes ({@link #cls}, -1 for none) onto the frame, specks dropped, as one mask per class. */
  private List<Detection> toFrame(int classes, int oh, int ow, int[] row, int[] col, int width, int height,
      List<String> names) {
    if (minArea > 1) {
      double cells = (double) (row[height - 1] - row[0] + 1) * (col[width - 1] - col[0] + 1);
      dropSpecks(oh, ow, classes, (double) width * height / cells);
    }
    int n = width * height;
    if (map.length < n) {
      map = new short[n];
    }
    for (int x = 0, i = 0; x < width; x++) { // column by column, as COCO's RLE reads pixels
      int c = col[x];
      for (int y = 0; y < height; y++, i++) {
        map[i] = cls[row[y] * ow + c];
      }
    }
    return masks(width, height, classes, names);
  }

  /** The top class of every output pixel, with its score and the runner-up's; classes outer, so each plane is read in order. */
  private void argmax(float[] s, int classes, int plane) {
    if (cls.length < plane) {
      cls = new short[plane];
      max = new float[plane];
      second = new float[plane];
    }
    System.arraycopy(s, 0, max, 0, plane);
    Arrays.fill(cls, 0, plane, (short) 0);
    Arrays.fill(second, 0, plane, Float.NEGATIVE_INFINITY);
    for (int c = 1; c < classes; c++) {
      int base = c * plane;
      for (int p = 0; p < plane; p++) {
        float v = s[base + p];
        if (v > max[p]) {
          second[p] = max[p];
          max[p] = v;
          cls[p] = (short) c;
        } else if (v > second[p]) {
          second[p] = v;
        }
      }
    }
  }

  /**
   * Each class's mean probability and the mean margin between the two likeliest classes, over every
   * {@link #STEP}-th output pixel each way of those that cover the frame (rows r0..r1, columns c0..c1).
   */
  private void softmax(float[] s, int classes, int oh, int ow, int r0, int r1, int c0, int c1) {
    int plane = oh * ow;
    classScore = new double[classes];
    long[] count = new long[classes];
    double marginSum = 0;
    long sampled = 0;
    for (int y = r0; y <= r1; y += STEP) {
      for (int x = c0; x <= c1; x += STEP) {
        int p = y * ow + x;
        float top = max[p];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          sum += Math.exp(s[c * plane + p] - top);
        }
        classScore[cls[p]] += 1 / sum;
        count[cls[p]]++;
        marginSum += (1 - Math.exp(second[p] - top)) / sum;
        sampled++;
      }
    }
    boolean missed = false;
    for (int c = 0; c < classes; c++) {
      missed |= count[c] == 0;
    }
    if (missed) { // classes too small for the sample: from all of their own pixels
      double[] extra = new double[classes];
      long[] extraCount = new long[classes];
      for (int y = r0; y <= r1; y++) {
        for (int x = c0; x <= c1; x++) {
          int p = y * ow + x;
          int k = cls[p];
          if (count[k] == 0) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
              sum += Math.exp(s[c * plane + p] - max[p]);
            }
            extra[k] += 1 / sum;
            extraCount[k]++;
          }
        }
      }
      for (int c = 0; c < classes; c++) {
        if (count[c] == 0) {
          classScore[c] = extra[c];
          count[c] = extraCount[c];
        }
      }
    }
    for (int c = 0; c < classes; c++) {
      classScore[c] = count[c] == 0 ? Double.NaN : classScore[c] / count[c];
    }
    meanMargin = sampled == 0 ? 0 : marginSum / sampled;
  }

  /**
   * Regions (8-connected) of one class smaller than minArea frame pixels lose their class (-1): found
   * on the model's output map, where each pixel stands for {@code framePixelsPerCell} of the frame's,
   * rather than on the frame (one class at a time over a few thousand cells instead of a million pixels).
   */
  private void dropSpecks(int oh, int ow, int classes, double framePixelsPerCell) {
    int n = oh * ow;
    double least = minArea / framePixelsPerCell;
    boolean[] present = new boolean[classes];
    for (int i = 0; i < n; i++) {
      if (cls[i] >= 0) {
        present[cls[i]] = true;
      }
    }
    byte[] bits = new byte[n];
    int[] labels = new int[n];
    Mat mask = new Mat(oh, ow, CvType.CV_8UC1);
    Mat lab = new Mat();
    Mat stats = new Mat();
    Mat centroids = new Mat();
    try {
      for (int c = 0; c < classes; c++) {
        if (!present[c]) {
          continue;
        }
        for (int i = 0; i < n; i++) {
          bits[i] = cls[i] == c ? (byte) 1 : 0;
        }
        mask.put(0, 0, bits);
        int count = Imgproc.connectedComponentsWithStats(mask, lab, stats, centroids, 8, CvType.CV_32S);
        boolean[] small = new boolean[count];
        boolean any = false;
        for (int k = 1; k < count; k++) {
          small[k] = stats.get(k, Imgproc.CC_STAT_AREA)[0] < least;
          any |= small[k];
        }
        if (!any) {
          continue;
        }
        lab.get(0, 0, labels);
        for (int i = 0; i < n; i++) {
          if (small[labels[i]] && cls[i] == c) {
            cls[i] = -1;
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

  /** One pass over the column-major map: each class's run boundaries; boxes from the runs. */
  private List<Detection> masks(int width, int height, int classes, List<String> names) {
    int[][] edges = new int[classes][];
    int[] edgeCount = new int[classes];
    int n = width * height;
    int prev = -1;
    for (int i = 0; i < n; i++) {
      int c = map[i];
      if (c != prev) {
        if (prev >= 0) {
          edges[prev] = add(edges[prev], edgeCount[prev]++, i); // prev's run ends here
        }
        if (c >= 0) {
          edges[c] = add(edges[c], edgeCount[c]++, i); // c's run starts here
        }
        prev = c;
      }
    }
    List<Detection> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      int k = edgeCount[c];
      if (k == 0) {
        continue;
      }
      int[] runs = new int[k + 1];
      int last = 0;
      for (int i = 0; i < k; i++) {
        runs[i] = edges[c][i] - last;
        last = edges[c][i];
      }
      runs[k] = n - last; // the last run: of 1s when the class reaches the last pixel, else of 0s
      String label = c < names.size() ? names.get(c) : "class" + c;
      Box box = Rle.box(runs, height);
      double s = Double.isNaN(classScore[c]) ? 0 : Math.max(0, Math.min(1, classScore[c]));
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
