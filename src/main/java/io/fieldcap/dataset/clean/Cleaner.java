package io.fieldcap.dataset.clean;

import io.fieldcap.image.Look;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Marks;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fieldcap clean}: measures every frame not measured yet, marks broken frames (undecodable,
 * truncated, uniform, labels outside the image), and groups near-duplicates across all devices and
 * sources by the Hamming distance of their perceptual hashes, keeping the best frame of each group
 * (sharpest, then most labels, then earliest) and marking the rest. Nothing is deleted; a run's
 * marks are taken back with {@code clean --undo}.
 *
 * <p>Grouping does not compare every pair: the 256-bit hash is cut into {@code distance + 1} bands,
 * and two hashes within {@code distance} bits agree exactly on at least one band (pigeonhole), so
 * only frames sharing a band are compared. Groups are the connected components of "within distance".
 */
public final class Cleaner {
  /** Hashes this many bits apart or fewer are near-duplicates; see docs/datasets.md for the measurements behind it. */
  public static final int DEFAULT_DISTANCE = 12;

  /** One group of near-duplicates: the frame kept and the frames marked. */
  public record Group(String kept, List<String> marked, int maxDistance) {}

  /**
   * What a run found.
   *
   * @param measured frames measured by this run (stored before measuring at ingest, or imported)
   * @param frames frames looked at
   * @param broken new broken marks by kind (undecodable, truncated, uniform, labels)
   * @param groups near-duplicate groups with at least one frame newly marked
   * @param duplicates frames newly marked as duplicates
   * @param alreadyMarked frames that carried their mark from an earlier run
   * @param run this run's number (its marks are taken back by {@code clean --undo})
   */
  public record Result(int measured, int frames, Map<String, Integer> broken, List<Group> groups, int duplicates,
      int alreadyMarked, int run) {}

  private record Item(String key, String device, String frameId, Instant capturedAt, int labels, byte[] hash,
      double sharpness) {}

  private final LocalFrameStore store;
  private final int distance;
  private final Clock clock;

  public Cleaner(LocalFrameStore store, int distance, Clock clock) {
    if (distance < 0 || distance > 64) {
      throw new IllegalArgumentException("--distance: " + distance + " is out of range; expected 0 to 64 bits of 256");
    }
    this.store = store;
    this.distance = distance;
    this.clock = clock;
  }

  public Result run(PrintWriter progress) throws IOException {
    Map<String, Look> looks = new HashMap<>();
    store.marks().forEach(m -> looks.put(m.device() + "/" + m.frameId(), m.look()));
    List<StoredFrame> unmeasured = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    Map<String, String> labelProblems = new TreeMap<>();
    store.forEach(f -> {
      String key = f.device() + "/" + f.frameId();
      if (!looks.containsKey(key)) {
        unmeasured.add(f.withLabels(null)); // the path is what is needed
      }
      LabelSet best = f.reviewed() != null ? f.reviewed() : f.labels();
      String problem = labelsOutside(f, f.labels());
      if (problem == null) {
        problem = labelsOutside(f, f.reviewed());
      }
      if (problem != null) {
        labelProblems.put(key, problem);
      }
      items.add(new Item(key, f.device(), f.frameId(), f.capturedAt(),
          best == null ? 0 : (int) best.detections().stream().filter(d -> d.box() != null).count(), null, 0));
    });
    long last = System.nanoTime();
    int measured = 0;
    List<StoredFrame> batch = new ArrayList<>();
    for (StoredFrame f : unmeasured) {
      looks.put(f.device() + "/" + f.frameId(), Look.of(f.image().fetch()));
      batch.add(f);
      if (batch.size() == 200 || f == unmeasured.get(unmeasured.size() - 1)) {
        store.marks().transaction(() -> { // one fsync per 200 frames
          for (StoredFrame x : batch) {
            store.marks().record(x.device(), x.frameId(), looks.get(x.device() + "/" + x.frameId()));
          }
          return null;
        });
        batch.clear();
      }
      measured++;
      if (progress != null && System.nanoTime() - last > 2_000_000_000L) {
        progress.printf("clean: measured %d of %d frames not measured before%n", measured, unmeasured.size());
        progress.flush();
        last = System.nanoTime();
      }
    }
    final int measuredNow = measured;
    return store.marks().transaction(() -> mark(items, looks, labelProblems, measuredNow));
  }

  private Result mark(List<Item> items, Map<String, Look> looks, Map<String, String> labelProblems, int measured)
      throws IOException {
    Instant now = clock.instant();
    int run = store.marks().startRun(now);
    Map<String, Integer> broken = new TreeMap<>();
    int already = 0;
    List<Item> candidates = new ArrayList<>();
    for (Item i : items) {
      Look l = looks.get(i.key());
      String problem = l.problem() != null ? l.problem() : labelProblems.get(i.key());
      if (problem != null) {
        String kind = l.problem() != null ? problem.substring(0, problem.indexOf(':')) : "labels";
        if (store.marks().mark(i.device(), i.frameId(), "broken", problem, null, run, now)) {
          broken.merge(kind, 1, Integer::sum);
        } else {
          already++;
        }
        continue;
      }
      candidates.add(new Item(i.key(), i.device(), i.frameId(), i.capturedAt(), i.labels(),
          HexFormat.of().parseHex(l.hash()), l.sharpness()));
    }
    List<List<Item>> groups = groups(candidates);
    List<Group> found = new ArrayList<>();
    int duplicates = 0;
    for (List<Item> g : groups) {
      g.sort(Comparator.comparingDouble(Item::sharpness).reversed().thenComparing(Comparator.comparingInt(Item::labels).reversed())
          .thenComparing(Item::capturedAt).thenComparing(Item::key));
      Item kept = g.get(0);
      List<String> marked = new ArrayList<>();
      int max = 0;
      for (Item i : g.subList(1, g.size())) {
        int d = distance(kept.hash(), i.hash());
        max = Math.max(max, d);
        String reason = String.format(Locale.ROOT, "near-duplicate of %s (hash distance %d; sharpness %.1f vs %.1f)",
            kept.key(), d, i.sharpness(), kept.sharpness());
        if (store.marks().mark(i.device(), i.frameId(), "duplicate", reason, kept.key(), run, now)) {
          marked.add(i.key());
          duplicates++;
        } else {
          already++;
        }
      }
      if (!marked.isEmpty()) {
        found.add(new Group(kept.key(), marked, max));
      }
    }
    return new Result(measured, items.size(), broken, found, duplicates, already, run);
  }

  /** Why the labels do not fit the frame's size (a box more than a pixel outside it), or null. */
  static String labelsOutside(StoredFrame f, LabelSet labels) {
    if (labels == null) {
      return null;
    }
    for (Detection d : labels.detections()) {
      var b = d.box();
      if (b != null && (b.x() < -1 || b.y() < -1 || b.x() + b.w() > f.width() + 1 || b.y() + b.h() > f.height() + 1)) {
        return String.format(Locale.ROOT, "labels: the box of '%s' (x=%.0f y=%.0f w=%.0f h=%.0f) lies outside the"
            + " %dx%d image: labels for an image of another size", d.label(), b.x(), b.y(), b.w(), b.h(), f.width(), f.height());
      }
    }
    return null;
  }

  static int distance(byte[] a, byte[] b) {
    int d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Integer.bitCount((a[i] ^ b[i]) & 0xff);
    }
    return d;
  }

  /** Band {@code b} of {@code bands} of a 256-bit hash, as a number (bands are at most 64 bits wide). */
  private static long band(byte[] hash, int b, int bands) {
    int from = 256 * b / bands;
    int to = 256 * (b + 1) / bands;
    long v = 0;
    for (int bit = from; bit < to; bit++) {
      v = v << 1 | (hash[bit >> 3] >> (bit & 7) & 1);
    }
    return v;
  }

  /** The connected components (of two or more) of "within {@code distance} bits", found band by band. */
  List<List<Item>> groups(List<Item> items) {
    int n = items.size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    // equal hashes (a static camera at night) join at once; only distinct ones are compared, band by band
    Map<String, Integer> first = new HashMap<>();
    List<Integer> distinct = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Integer f = first.putIfAbsent(HexFormat.of().formatHex(items.get(i).hash()), i);
      if (f == null) {
        distinct.add(i);
      } else {
        parent[find(parent, i)] = find(parent, f);
      }
    }
    int bands = Math.max(distance + 1, 4); // bands of at most 64 bits
    for (int b = 0; b < bands; b++) {
      Map<Long, List<Integer>> buckets = new HashMap<>();
      for (int i : distinct) {
        buckets.computeIfAbsent(band(items.get(i).hash(), b, bands), k -> new ArrayList<>()).add(i);
      }
      for (List<Integer> bucket : buckets.values()) {
        for (int x = 0; x < bucket.size(); x++) {
          for (int y = x + 1; y < bucket.size(); y++) {
            int i = bucket.get(x);
            int j = bucket.get(y);
            if (find(parent, i) != find(parent, j) && distance(items.get(i).hash(), items.get(j).hash()) <= distance) {
              parent[find(parent, i)] = find(parent, j);
            }
          }
        }
      }
    }
    Map<Integer, List<Item>> byRoot = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      byRoot.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(items.get(i));
    }
    return byRoot.values().stream().filter(g -> g.size() > 1).map(ArrayList::new).map(l -> (List<Item>) l).toList();
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  /** Takes back the newest run's marks, or every mark. */
  public static int undo(LocalFrameStore store, boolean all) throws IOException {
    return store.marks().undo(all);
  }

  /** Every mark now in force. */
  public static List<Marks.Mark> marks(LocalFrameStore store) throws IOException {
    return store.marks().marks();
  }
}
