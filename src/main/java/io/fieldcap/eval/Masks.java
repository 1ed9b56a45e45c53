package io.fieldcap.eval;

import java.util.Arrays;

/** Mask arithmetic on run lengths (0s first, column by column, as COCO's RLE), as pycocotools' maskApi.c does it. */
final class Masks {
  private Masks() {}

  /**
   * {@code rleIou}: the intersection over the union of two masks of one size, walking both run lists
   * once; for a crowd region, the intersection over the detection's area; 0 when they share no pixel.
   */
  static double iou(int[] dt, int[] gt, boolean crowd) {
    long i = 0;
    long u = 0;
    int a = 0;
    int b = 0;
    long ca = dt.length > 0 ? dt[0] : 0;
    long cb = gt.length > 0 ? gt[0] : 0;
    boolean va = false;
    boolean vb = false;
    a = 1;
    b = 1;
    long ct = 1;
    while (ct > 0) {
      long c = Math.min(ca, cb);
      if (va || vb) {
        u += c;
        if (va && vb) {
          i += c;
        }
      }
      ct = 0;
      ca -= c;
      if (ca == 0 && a < dt.length) {
        ca = dt[a++];
        va = !va;
      }
      ct += ca;
      cb -= c;
      if (cb == 0 && b < gt.length) {
        cb = gt[b++];
        vb = !vb;
      }
      ct += cb;
    }
    if (i == 0) {
      return 0;
    }
    if (crowd) {
      u = area(dt);
    }
    return (double) i / (double) u;
  }

  /** The pixels a mask sets. */
  static long area(int[] runs) {
    long n = 0;
    for (int k = 1; k < runs.length; k += 2) {
      n += runs[k];
    }
    return n;
  }

  /**
   * {@code rleFrPoly}: a polygon ({@code x1, y1, x2, y2, ...} in pixels) rasterised into runs on an
   * image of {@code h} x {@code w}, exactly as pycocotools does it (boundary upsampled five times,
   * points along the y-boundary, downsampled), so that a polygon's mask is the reference's, pixel for
   * pixel.
   */
  static int[] fromPolygon(double[] xy, int h, int w) {
    int k = xy.length / 2;
    double scale = 5;
    int[] x = new int[k + 1];
    int[] y = new int[k + 1];
    for (int j = 0; j < k; j++) {
      x[j] = cInt(scale * xy[j * 2] + .5);
      y[j] = cInt(scale * xy[j * 2 + 1] + .5);
    }
    x[k] = x[0];
    y[k] = y[0];
    int m = 0;
    for (int j = 0; j < k; j++) {
      m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
    }
    int[] u = new int[m];
    int[] v = new int[m];
    m = 0;
    for (int j = 0; j < k; j++) {
      int xs = x[j];
      int xe = x[j + 1];
      int ys = y[j];
      int ye = y[j + 1];
      int dx = Math.abs(xe - xs);
      int dy = Math.abs(ys - ye);
      boolean flip = dx >= dy && xs > xe || dx < dy && ys > ye;
      if (flip) {
        int t = xs;
        xs = xe;
        xe = t;
        t = ys;
        ys = ye;
        ye = t;
      }
      double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
      if (dx >= dy) {
        for (int d = 0; d <= dx; d++) {
          int t = flip ? dx - d : d;
          u[m] = t + xs;
          v[m] = cInt(ys + s * t + .5);
          m++;
        }
      } else {
        for (int d = 0; d <= dy; d++) {
          int t = flip ? dy - d : d;
          v[m] = t + ys;
          u[m] = cInt(xs + s * t + .5);
          m++;
        }
      }
    }
    int n = m;
    int[] bx = new int[n];
    int[] by = new int[n];
    m = 0;
    for (int j = 1; j < n; j++) {
      if (u[j] != u[j - 1]) {
        double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
        xd = (xd + .5) / scale - .5;
        if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
          continue;
        }
        double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
        yd = (yd + .5) / scale - .5;
        if (yd < 0) {
          yd = 0;
        } else if (yd > h) {
          yd = h;
        }
        yd = Math.ceil(yd);
        bx[m] = (int) xd;
        by[m] = (int) yd;
        m++;
      }
    }
    long[] a = new long[m + 1];
    for (int j = 0; j < m; j++) {
      a[j] = (long) bx[j] * h + by[j];
    }
    a[m] = (long) h * w;
    Arrays.sort(a);
    long p = 0;
    for (int j = 0; j < a.length; j++) {
      long t = a[j];
      a[j] -= p;
      p = t;
    }
    long[] b = new long[a.length];
    int j = 0;
    m = 0;
    b[m++] = a[j++];
    while (j < a.length) {
      if (a[j] > 0) {
        b[m++] = a[j++];
      } else {
        j++;
        if (j < a.length) {
          b[m - 1] += a[j++];
        }
      }
    }
    int[] runs = new int[m];
    for (int q = 0; q < m; q++) {
      runs[q] = (int) b[q];
    }
    return runs;
  }

  /** C's double-to-int conversion on x86: toward zero, and INT_MIN for NaN or a value out of range. */
  private static int cInt(double d) {
    return Double.isNaN(d) || d >= 2147483648.0 || d < -2147483648.0 ? Integer.MIN_VALUE : (int) d;
  }
}
