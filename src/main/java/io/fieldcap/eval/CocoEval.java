package io.fieldcap.eval;

import io.fieldcap.model.Box;
import io.fieldcap.model.Rle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO's detection evaluation, computed as pycocotools' {@code COCOeval} computes it, step for step,
 * so that every figure agrees with the reference: per image and class, detections sorted by score
 * (stable, as numpy's mergesort) and cut at 100, matched greedily to ground truth at each of ten IoU
 * thresholds (0.50 to 0.95), ground truth outside an area range or marked crowd ignored (a detection
 * on it neither counts nor costs), unmatched detections outside the range ignored; then, over all
 * images, precision at 101 recall points made monotone from the right, and recall, per class, area
 * range and detection limit; the twelve summary figures are their means over the cells that have
 * ground truth (-1 when none has).
 *
 * <p>IoU of boxes and of masks (compressed RLE, as COCO stores them) as pycocotools' {@code maskUtils}
 * computes them; a crowd region's IoU is the intersection over the detection's area.
 */
public final class CocoEval {
  /** What is compared: boxes, or masks. */
  public enum IouType { BBOX, SEGM }

  /** A ground-truth object; {@code id} above 0, unique. */
  public record Truth(int id, int image, int category, Box box, Rle mask, double area, boolean crowd) {}

  /** A detection; {@code id} above 0, unique. */
  public record Detected(int id, int image, int category, Box box, Rle mask, double score, double area) {}

  /** The names of the twelve summary figures, in pycocotools' order. */
  public static final List<String> NAMES = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs",
      "ARm", "ARl");

  static final double[] IOU_THRS = linspace(0.5, 0.95, 10);
  static final double[] REC_THRS = linspace(0.0, 1.0, 101);
  static final int[] MAX_DETS = {1, 10, 100};
  static final double[][] AREA_RNG = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};

  /** numpy's linspace, element for element: {@code k * step + start}, the last exactly {@code stop}. */
  static double[] linspace(double start, double stop, int num) {
    double step = (stop - start) / (num - 1);
    double[] y = new double[num];
    for (int k = 0; k < num; k++) {
      y[k] = k * step + start;
    }
    y[num - 1] = stop;
    return y;
  }

  /**
   * The evaluation's results.
   *
   * @param stats the twelve figures of {@link #NAMES}
   * @param precision [iou][recall][class][area][maxDets], -1 where a class has no ground truth
   * @param recall [iou][class][area][maxDets]
   * @param categories the class ids, in the order of the arrays' class index
   */
  public record Result(double[] stats, double[][][][][] precision, double[][][][] recall, int[] categories) {
    /** The summary figures by name. */
    public Map<String, Double> summary() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int i = 0; i < NAMES.size(); i++) {
        m.put(NAMES.get(i), stats[i]);
      }
      return m;
    }

    /** A class's AP over the ten thresholds (all areas, 100 detections), or -1 without ground truth. */
    public double ap(int classIndex) {
      return mean(precision, -1, classIndex, 0, 2);
    }

    /** A class's AP at IoU 0.5, or -1. */
    public double ap50(int classIndex) {
      return mean(precision, 0, classIndex, 0, 2);
    }

    /** The precision-recall curve of a class at IoU 0.5 (all areas, 100 detections): 101 precisions. */
    public double[] curve(int classIndex) {
      double[] out = new double[REC_THRS.length];
      for (int r = 0; r < out.length; r++) {
        out[r] = precision[0][r][classIndex][0][2];
      }
      return out;
    }
  }

  private CocoEval() {}

  /** One image and class, as {@code evaluateImg} returns it; null when it has neither truth nor detection. */
  private record PerImage(double[] dtScores, int[][] dtMatches, boolean[][] dtIgnore, boolean[] gtIgnore) {}

  /**
   * Evaluates {@code detections} against {@code truths} over {@code images} and {@code categories}
   * (as pycocotools, detections of other images or classes are not counted).
   */
  public static Result evaluate(List<Integer> images, List<Integer> categories, List<Truth> truths, List<Detected> detections,
      IouType type) {
    int[] imgIds = images.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
    int[] catIds = categories.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
    Map<Long, List<Truth>> gts = new HashMap<>();
    for (Truth t : truths) {
      gts.computeIfAbsent(key(t.image(), t.category()), k -> new ArrayList<>()).add(t);
    }
    Map<Long, List<Detected>> dts = new HashMap<>();
    for (Detected d : detections) {
      dts.computeIfAbsent(key(d.image(), d.category()), k -> new ArrayList<>()).add(d);
    }
    int maxDet = MAX_DETS[MAX_DETS.length - 1];
    PerImage[][][] eval = new PerImage[catIds.length][AREA_RNG.length][imgIds.length];
    for (int k = 0; k < catIds.length; k++) {
      for (int i = 0; i < imgIds.length; i++) {
        List<Truth> g = gts.getOrDefault(key(imgIds[i], catIds[k]), List.of());
        List<Detected> d = sortedByScore(dts.getOrDefault(key(imgIds[i], catIds[k]), List.of()), maxDet);
        double[][] ious = g.isEmpty() || d.isEmpty() ? null : ious(d, g, type);
        for (int a = 0; a < AREA_RNG.length; a++) {
          eval[k][a][i] = evaluateImg(g, d, ious, AREA_RNG[a]);
        }
      }
    }
    return accumulate(eval, catIds);
  }

  private static long key(int image, int category) {
    return ((long) image << 32) | (category & 0xFFFFFFFFL);
  }

  /** Highest score first, ties in their given order (numpy's mergesort is stable), at most {@code max}. */
  private static List<Detected> sortedByScore(List<Detected> d, int max) {
    List<Detected> s = new ArrayList<>(d);
    s.sort(Comparator.comparingDouble((Detected x) -> -x.score()));
    return s.size() > max ? s.subList(0, max) : s;
  }

  /** [detection][truth] IoU, as {@code maskUtils.iou}. */
  static double[][] ious(List<Detected> d, List<Truth> g, IouType type) {
    double[][] o = new double[d.size()][g.size()];
    if (type == IouType.BBOX) {
      for (int j = 0; j < g.size(); j++) {
        for (int i = 0; i < d.size(); i++) {
          o[i][j] = boxIou(d.get(i).box(), g.get(j).box(), g.get(j).crowd());
        }
      }
      return o;
    }
    int[][] dr = new int[d.size()][];
    for (int i = 0; i < d.size(); i++) {
      dr[i] = d.get(i).mask().runs();
    }
    for (int j = 0; j < g.size(); j++) {
      int[] gr = g.get(j).mask().runs();
      for (int i = 0; i < d.size(); i++) {
        o[i][j] = Masks.iou(dr[i], gr, g.get(j).crowd());
      }
    }
    return o;
  }

  /** {@code bbIou} of pycocotools' maskApi.c, operation for operation. */
  static double boxIou(Box d, Box g, boolean crowd) {
    double w = Math.min(d.x() + d.w(), g.x() + g.w()) - Math.max(d.x(), g.x());
    if (w <= 0) {
      return 0;
    }
    double h = Math.min(d.y() + d.h(), g.y() + g.h()) - Math.max(d.y(), g.y());
    if (h <= 0) {
      return 0;
    }
    double i = w * h;
    double da = d.w() * d.h();
    double u = crowd ? da : da + g.w() * g.h() - i;
    return i / u;
  }

  private static PerImage evaluateImg(List<Truth> gt0, List<Detected> dt, double[][] ious0, double[] aRng) {
    if (gt0.isEmpty() && dt.isEmpty()) {
      return null;
    }
    // ground truth ignored (crowd, or outside the area range) last, the rest in their order
    Integer[] gtind = new Integer[gt0.size()];
    boolean[] ig0 = new boolean[gt0.size()];
    for (int j = 0; j < gtind.length; j++) {
      gtind[j] = j;
      Truth t = gt0.get(j);
      ig0[j] = t.crowd() || t.area() < aRng[0] || t.area() > aRng[1];
    }
    Arrays.sort(gtind, Comparator.comparingInt(j -> ig0[j] ? 1 : 0));
    int gn = gtind.length;
    int dn = dt.size();
    boolean[] gtIg = new boolean[gn];
    boolean[] crowd = new boolean[gn];
    int[] gtIds = new int[gn];
    for (int j = 0; j < gn; j++) {
      gtIg[j] = ig0[gtind[j]];
      crowd[j] = gt0.get(gtind[j]).crowd();
      gtIds[j] = gt0.get(gtind[j]).id();
    }
    int tn = IOU_THRS.length;
    int[][] gtm = new int[tn][gn];
    int[][] dtm = new int[tn][dn];
    boolean[][] dtIg = new boolean[tn][dn];
    if (ious0 != null) {
      for (int t = 0; t < tn; t++) {
        for (int di = 0; di < dn; di++) {
          double iou = Math.min(IOU_THRS[t], 1 - 1e-10);
          int m = -1;
          for (int gi = 0; gi < gn; gi++) {
            if (gtm[t][gi] > 0 && !crowd[gi]) {
              continue; // matched already, and not a crowd
            }
            if (m > -1 && !gtIg[m] && gtIg[gi]) {
              break; // matched to a regular one: the ignored ones come after
            }
            double v = ious0[di][gtind[gi]];
            if (v < iou) {
              continue;
            }
            iou = v;
            m = gi;
          }
          if (m == -1) {
            continue;
          }
          dtIg[t][di] = gtIg[m];
          dtm[t][di] = gtIds[m];
          gtm[t][m] = dt.get(di).id();
        }
      }
    }
    double[] scores = new double[dn];
    for (int di = 0; di < dn; di++) {
      Detected d = dt.get(di);
      scores[di] = d.score();
      boolean outside = d.area() < aRng[0] || d.area() > aRng[1];
      for (int t = 0; t < tn; t++) {
        dtIg[t][di] = dtIg[t][di] || dtm[t][di] == 0 && outside;
      }
    }
    return new PerImage(scores, dtm, dtIg, gtIg);
  }

  private static Result accumulate(PerImage[][][] eval, int[] catIds) {
    int tn = IOU_THRS.length;
    int rn = REC_THRS.length;
    int kn = catIds.length;
    int an = AREA_RNG.length;
    int mn = MAX_DETS.length;
    double[][][][][] precision = new double[tn][rn][kn][an][mn];
    double[][][][] recall = new double[tn][kn][an][mn];
    for (double[][][][] p : precision) {
      for (double[][][] q : p) {
        for (double[][] r : q) {
          for (double[] s : r) {
            Arrays.fill(s, -1);
          }
        }
      }
    }
    for (double[][][] p : recall) {
      for (double[][] q : p) {
        for (double[] r : q) {
          Arrays.fill(r, -1);
        }
      }
    }
    double eps = Math.ulp(1.0); // np.spacing(1)
    for (int k = 0; k < kn; k++) {
      for (int a = 0; a < an; a++) {
        for (int m = 0; m < mn; m++) {
          int maxDet = MAX_DETS[m];
          List<PerImage> e = new ArrayList<>();
          for (PerImage p : eval[k][a]) {
            if (p != null) {
              e.add(p);
            }
          }
          if (e.isEmpty()) {
            continue;
          }
          int total = 0;
          int npig = 0;
          for (PerImage p : e) {
            total += Math.min(maxDet, p.dtScores().length);
            for (boolean ig : p.gtIgnore()) {
              npig += ig ? 0 : 1;
            }
          }
          if (npig == 0) {
            continue;
          }
          double[] scores = new double[total];
          int[][] dtm = new int[tn][total];
          boolean[][] dtIg = new boolean[tn][total];
          int at = 0;
          for (PerImage p : e) {
            int n = Math.min(maxDet, p.dtScores().length);
            System.arraycopy(p.dtScores(), 0, scores, at, n);
            for (int t = 0; t < tn; t++) {
              System.arraycopy(p.dtMatches()[t], 0, dtm[t], at, n);
              System.arraycopy(p.dtIgnore()[t], 0, dtIg[t], at, n);
            }
            at += n;
          }
          Integer[] inds = new Integer[total];
          for (int i = 0; i < total; i++) {
            inds[i] = i;
          }
          Arrays.sort(inds, Comparator.comparingDouble(i -> -scores[i])); // stable, as mergesort
          for (int t = 0; t < tn; t++) {
            double[] rc = new double[total];
            double[] pr = new double[total];
            double tp = 0;
            double fp = 0;
            for (int n = 0; n < total; n++) {
              int i = inds[n];
              if (!dtIg[t][i]) {
                if (dtm[t][i] != 0) {
                  tp++;
                } else {
                  fp++;
                }
              }
              rc[n] = tp / npig;
              pr[n] = tp / (fp + tp + eps);
            }
            recall[t][k][a][m] = total > 0 ? rc[total - 1] : 0;
            for (int i = total - 1; i > 0; i--) {
              if (pr[i] > pr[i - 1]) {
                pr[i - 1] = pr[i];
              }
            }
            int pi = 0;
            for (int r = 0; r < rn; r++) {
              while (pi < total && rc[pi] < REC_THRS[r]) { // searchsorted, side='left'
                pi++;
              }
              precision[t][r][k][a][m] = pi < total ? pr[pi] : 0;
            }
          }
        }
      }
    }
    double[] stats = {
        summarize(precision, -1, 0, 2), summarize(precision, 0, 0, 2), summarize(precision, 5, 0, 2),
        summarize(precision, -1, 1, 2), summarize(precision, -1, 2, 2), summarize(precision, -1, 3, 2),
        summarizeRecall(recall, 0, 0), summarizeRecall(recall, 0, 1), summarizeRecall(recall, 0, 2),
        summarizeRecall(recall, 1, 2), summarizeRecall(recall, 2, 2), summarizeRecall(recall, 3, 2)};
    return new Result(stats, precision, recall, catIds);
  }

  /** The mean of the precisions above -1 at one IoU threshold ({@code t}, or -1 for all), area and limit, all classes. */
  private static double summarize(double[][][][][] p, int t, int a, int m) {
    return mean(p, t, -1, a, m);
  }

  /** The mean of the precisions above -1 at IoU {@code t} (-1: all), class {@code k} (-1: all), area, limit; -1 when none. */
  static double mean(double[][][][][] p, int t, int k, int a, int m) {
    double sum = 0;
    long n = 0;
    for (int ti = 0; ti < p.length; ti++) {
      if (t >= 0 && ti != t) {
        continue;
      }
      for (double[][][] r : p[ti]) {
        for (int ki = 0; ki < r.length; ki++) {
          if (k >= 0 && ki != k) {
            continue;
          }
          double v = r[ki][a][m];
          if (v > -1) {
            sum += v;
            n++;
          }
        }
      }
    }
    return n == 0 ? -1 : sum / n;
  }

  private static double summarizeRecall(double[][][][] r, int a, int m) {
    double sum = 0;
    long n = 0;
    for (double[][][] t : r) {
      for (double[][] k : t) {
        double v = k[a][m];
        if (v > -1) {
          sum += v;
          n++;
        }
      }
    }
    return n == 0 ? -1 : sum / n;
  }
}
