package io.fieldcap.eval;

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
}
