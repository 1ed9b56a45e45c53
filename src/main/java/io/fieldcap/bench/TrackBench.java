package io.fieldcap.bench;

import io.fieldcap.model.Box;
import io.fieldcap.track.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tracker's cost per frame: {@code objects} walkers on a 1920x1080 view (random velocities, jittered
 * detections, a tenth of them weak), {@code frames} frames after 200 to warm up; microseconds per
 * {@link Tracker#update}, median and 99th percentile, and what it made of them (tracks started, active).
 */
public final class TrackBench {
  private TrackBench() {}

  public static Map<String, Object> run(int objects, int frames) {
    Random rnd = new Random(objects);
    double[][] w = new double[objects][4];
    for (double[] p : w) {
      p[0] = rnd.nextDouble() * 1800;
      p[1] = rnd.nextDouble() * 1000;
      p[2] = rnd.nextGaussian() * 3;
      p[3] = rnd.nextGaussian() * 2;
    }
    Tracker tracker = new Tracker(Tracker.Options.DEFAULT);
    long[] ns = new long[frames];
    for (int t = 0; t < 200 + frames; t++) {
      List<Tracker.Seen> seen = new ArrayList<>(objects);
      for (double[] p : w) {
        p[0] = Math.floorMod((long) (p[0] + p[2]), 1800);
        p[1] = Math.floorMod((long) (p[1] + p[3]), 1000);
        seen.add(new Tracker.Seen("person", rnd.nextDouble() < 0.1 ? 0.3 : 0.9, new Box(p[0] + rnd.nextGaussian(),
            p[1] + rnd.nextGaussian(), 40, 90)));
      }
      long t0 = System.nanoTime();
      tracker.update(seen);
      if (t >= 200) {
        ns[t - 200] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(ns);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("objects", objects);
    r.put("frames", frames);
    r.put("medianMicros", Math.round(ns[frames / 2] / 100.0) / 10.0);
    r.put("p99Micros", Math.round(ns[(int) (frames * 0.99)] / 100.0) / 10.0);
    r.put("tracksStarted", tracker.started());
    r.put("tracksActive", tracker.active());
    return r;
  }
}
