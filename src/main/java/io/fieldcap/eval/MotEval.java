package io.fieldcap.eval;

import io.fieldcap.model.Box;
import io.fieldcap.track.Assignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiple-object tracking scored as py-motmetrics scores it (its {@code MOTAccumulator} and
 * metrics, with IoU distances {@code 1 - IoU} and pairs below IoU 0.5 not made), so that a tracker's
 * figures here equal the reference's (held to 1e-4 by MotEvalTest on frozen cases).
 *
 * <p>Per frame (CLEAR MOT, Bernardin and Stiefelhagen 2008): an object still seen with the track it
 * had is a match; the rest are paired by least total distance, a pair whose object had another track
 * being a switch; objects left over are misses, tracks left over false positives. MOTA = 1 - (misses
 * + switches + false positives) / objects; MOTP the mean distance of the pairs. Over all frames
 * (identity measures, Ristani et al. 2016): each object is given at most one track, and each track one
 * object, so that the frames where both are present and paired are most; IDF1 = 2 IDTP / (objects +
 * predictions).
 */
public final class MotEval {
  /** Distances above this (IoU under 0.5) are no pair. */
  public static final double MAX_DISTANCE = 0.5;

  /** One box of a frame with its id (an object's in the truth, a track's in the tracker's output). */
  public record Tracked(long id, Box box) {}

  /** The figures. */
  public record Summary(double mota, double motp, double idf1, double idp, double idr, double idtp, double idfp, double idfn,
      int matches, int switches, int falsePositives, int misses, int objects, int predictions, int frames) {
    /** As {@code --json} prints them. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("MOTA", mota);
      m.put("MOTP", motp);
      m.put("IDF1", idf1);
      m.put("IDP", idp);
      m.put("IDR", idr);
      m.put("switches", switches);
      m.put("falsePositives", falsePositives);
      m.put("misses", misses);
      m.put("matches", matches);
      m.put("objects", objects);
      m.put("predictions", predictions);
      m.put("frames", frames);
      return m;
    }
  }

  private final Map<Long, Long> pairedWith = new HashMap<>(); // object -> its track now (py-motmetrics' m)
  private final Map<Long, Integer> objectFrames = new LinkedHashMap<>();
  private final Map<Long, Integer> trackFrames = new LinkedHashMap<>();
  private final Map<Long, Map<Long, Integer>> together = new HashMap<>(); // object -> track -> frames paired within reach
  private int matches;
  private int switches;
  private int falsePositives;
  private int misses;
  private int objects;
  private int predictions;
  private int frames;
  private double distances;

  /** IoU distance of two boxes, or NaN when they overlap less than IoU 0.5. */
  static double distance(Box a, Box b) {
    double x0 = Math.max(a.x(), b.x());
    double y0 = Math.max(a.y(), b.y());
    double x1 = Math.min(a.x() + a.w(), b.x() + b.w());
    double y1 = Math.min(a.y() + a.h(), b.y() + b.h());
    double inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
    double union = a.w() * a.h() + b.w() * b.h() - inter;
    double d = union > 0 ? 1 - inter / union : 1;
    return d > MAX_DISTANCE ? Double.NaN : d;
  }

  /** Scores one frame: the truth's objects and the tracker's boxes. */
  public void frame(List<Tracked> truth, List<Tracked> tracks) {
    frames++;
    int no = truth.size();
    int nh = tracks.size();
    double[][] d = new double[no][nh];
    for (int i = 0; i < no; i++) {
      objectFrames.merge(truth.get(i).id(), 1, Integer::sum);
      for (int j = 0; j < nh; j++) {
        d[i][j] = distance(truth.get(i).box(), tracks.get(j).box());
        if (!Double.isNaN(d[i][j])) {
          together.computeIfAbsent(truth.get(i).id(), k -> new HashMap<>()).merge(tracks.get(j).id(), 1, Integer::sum);
        }
      }
    }
    for (Tracked h : tracks) {
      trackFrames.merge(h.id(), 1, Integer::sum);
    }
    boolean[] oDone = new boolean[no];
    boolean[] hDone = new boolean[nh];
    if (no > 0 && nh > 0) {
      // 1. an object still seen with the track it had keeps it
      for (int i = 0; i < no; i++) {
        Long had = pairedWith.get(truth.get(i).id());
        if (had == null) {
          continue;
        }
        for (int j = 0; j < nh; j++) {
          if (!hDone[j] && tracks.get(j).id() == had) {
            if (!Double.isNaN(d[i][j])) {
              oDone[i] = true;
              hDone[j] = true;
              matches++;
              distances += d[i][j];
            }
            break;
          }
        }
      }
      // 2. the rest by least total distance
      double[][] rest = new double[no][nh];
      for (int i = 0; i < no; i++) {
        for (int j = 0; j < nh; j++) {
          rest[i][j] = oDone[i] || hDone[j] ? Double.NaN : d[i][j];
        }
      }
      for (int[] p : Assignment.solve(rest)) {
        int i = p[0];
        int j = p[1];
        long o = truth.get(i).id();
        long h = tracks.get(j).id();
        Long had = pairedWith.get(o);
        if (had != null && had != h) {
          switches++;
        } else {
          matches++;
        }
        distances += rest[i][j];
        oDone[i] = true;
        hDone[j] = true;
        pairedWith.put(o, h);
      }
    }
    for (boolean done : oDone) {
      misses += done ? 0 : 1;
    }
    for (boolean done : hDone) {
      falsePositives += done ? 0 : 1;
    }
    objects += no;
    predictions += nh;
  }

  /** The figures over every frame so far. */
  public Summary summary() {
    List<Long> oids = new ArrayList<>(objectFrames.keySet());
    List<Long> hids = new ArrayList<>(trackFrames.keySet());
    int no = oids.size();
    int nh = hids.size();
    int n = no + nh;
    double[][] fp = new double[n][n];
    double[][] fn = new double[n][n];
    for (int r = no; r < n; r++) {
      for (int c = 0; c < nh; c++) {
        fp[r][c] = Double.NaN;
      }
    }
    for (int r = 0; r < no; r++) {
      for (int c = nh; c < n; c++) {
        fn[r][c] = Double.NaN;
      }
      int oc = objectFrames.get(oids.get(r));
      for (int c = 0; c < nh; c++) {
        fn[r][c] = oc;
      }
      fn[r][nh + r] = oc;
    }
    for (int c = 0; c < nh; c++) {
      int hc = trackFrames.get(hids.get(c));
      for (int r = 0; r < no; r++) {
        fp[r][c] = hc;
      }
      fp[c + no][c] = hc;
    }
    Map<Long, Integer> column = new HashMap<>();
    for (int c = 0; c < nh; c++) {
      column.put(hids.get(c), c);
    }
    for (int r = 0; r < no; r++) {
      for (Map.Entry<Long, Integer> e : together.getOrDefault(oids.get(r), Map.of()).entrySet()) {
        int c = column.get(e.getKey());
        fp[r][c] -= e.getValue();
        fn[r][c] -= e.getValue();
      }
    }
    double[][] costs = new double[n][n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        costs[r][c] = fp[r][c] + fn[r][c];
      }
    }
    double idfp = 0;
    double idfn = 0;
    for (int[] p : Assignment.solve(costs)) {
      idfp += fp[p[0]][p[1]];
      idfn += fn[p[0]][p[1]];
    }
    double idtp = objects - idfn;
    int detections = matches + switches;
    return new Summary(1 - (misses + switches + falsePositives) / (double) objects, distances / detections,
        2 * idtp / (objects + predictions), idtp / (idtp + idfp), idtp / (idtp + idfn), idtp, idfp, idfn, matches, switches,
        falsePositives, misses, objects, predictions, frames);
  }
}
