package io.fieldcap.dataset.clean;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Revisions;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fieldcap check labels}: every problem with the labels an export would take, with the frame,
 * the label and the reason, counted per kind; and how far reviewers agree with each other and with
 * the pre-labels.
 */
public final class LabelCheck {
  /** Boxes under this many pixels on a side are degenerate. */
  public static final double MIN_SIDE = 2;
  /** Two boxes of one class overlapping more than this on one frame are the same object twice. */
  public static final double DUPLICATE_IOU = 0.9;

  /** One problem: the frame (or "-" for dataset-wide ones), the label, the kind, the reason. */
  public record Problem(String frame, String label, String kind, String reason) {}

  /** Agreement of two sets of boxes, per class: share of boxes matched at IoU 0.5 and mean IoU of the matches. */
  public record Agreement(String between, Map<String, double[]> classes, List<String> worstFrames) {}

  /** What a check found. */
  public record Result(int frames, int labels, Map<String, Integer> counts, List<Problem> problems,
      Map<String, Integer> classCounts, List<Agreement> agreement) {}

  private final int minExamples;
  private final List<String> classList;

  /**
   * @param minExamples classes with fewer boxes than this are too rare to train on
   * @param classList the dataset's class list (null: none to check against)
   */
  public LabelCheck(int minExamples, List<String> classList) {
    this.minExamples = minExamples;
    this.classList = classList;
  }

  public Result run(Frames frames, LocalFrameStore store) throws IOException {
    List<Problem> problems = new ArrayList<>();
    Map<String, Integer> classCounts = new TreeMap<>();
    int[] n = {0, 0};
    // per model version: pre-labels against the reviewed labels; per pair of reviewers: their revisions
    Map<String, Tally> vsPrelabels = new TreeMap<>();
    Map<String, Tally> betweenReviewers = new TreeMap<>();
    frames.forEach(f -> {
      n[0]++;
      String key = f.device() + "/" + f.frameId();
      List<Detection> boxes = f.labels() == null ? List.of() : f.labels().detections();
      for (Detection d : boxes) {
        n[1]++;
        classCounts.merge(d.label(), 1, Integer::sum);
        if (d.box() != null) {
          boxProblems(key, d, f.width(), f.height(), problems);
        }
        if (d.mask() != null && (d.mask().width() != f.width() || d.mask().height() != f.height())) {
          problems.add(new Problem(key, d.label(), "mask-size", "the mask of '" + d.label() + "' is " + d.mask().width()
              + "x" + d.mask().height() + " but the image is " + f.width() + "x" + f.height()
              + ": it does not say which pixels are which"));
        }
      }
      for (int i = 0; i < boxes.size(); i++) {
        for (int j = i + 1; j < boxes.size(); j++) {
          Detection a = boxes.get(i);
          Detection b = boxes.get(j);
          if (a.box() != null && b.box() != null && a.label().equals(b.label()) && a.box().iou(b.box()) > DUPLICATE_IOU) {
            problems.add(new Problem(key, a.label(), "duplicate-box", String.format(Locale.ROOT,
                "two '%s' boxes overlap with IoU %.2f (over %.1f): the same object labelled twice", a.label(),
                a.box().iou(b.box()), DUPLICATE_IOU)));
          }
        }
      }
      if (f.reviewed() != null && store != null) {
        // the frame as stored: its pre-labels against its newest review, and its reviewers against each other
        try {
          StoredFrame stored = store.frame(f.device(), f.frameId());
          if (stored != null && stored.labels() != null && stored.reviewed() != null) {
            vsPrelabels.computeIfAbsent("pre-labels " + stored.labels().modelVersion() + " vs reviewed", k -> new Tally())
                .add(key, boxesOf(stored.labels().detections()), boxesOf(stored.reviewed().detections()));
          }
          if (stored != null && stored.revision() > 1) {
            reviewers(key, store.revisions().of(f.device(), f.frameId()), betweenReviewers);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
    nameProblems(classCounts, problems);
    for (Map.Entry<String, Integer> e : classCounts.entrySet()) {
      if (classList != null && !classList.contains(e.getKey())) {
        problems.add(new Problem("-", e.getKey(), "unknown-class", "'" + e.getKey() + "' (" + e.getValue()
            + " labels) is not in the class list " + classList));
      }
      if (e.getValue() < minExamples) {
        problems.add(new Problem("-", e.getKey(), "rare-class", "'" + e.getKey() + "' has " + e.getValue()
            + " labels, fewer than " + minExamples + " to train on (--min-examples)"));
      }
    }
    Map<String, Integer> counts = new TreeMap<>();
    problems.forEach(p -> counts.merge(p.kind(), 1, Integer::sum));
    List<Agreement> agreement = new ArrayList<>();
    betweenReviewers.forEach((k, t) -> agreement.add(t.agreement(k)));
    vsPrelabels.forEach((k, t) -> agreement.add(t.agreement(k)));
    return new Result(n[0], n[1], counts, problems, classCounts, agreement);
  }

  private static List<Detection> boxesOf(List<Detection> d) {
    return d.stream().filter(x -> x.box() != null).toList();
  }

  static void boxProblems(String key, Detection d, int width, int height, List<Problem> out) {
    Box b = d.box();
    if (b.x() < -0.5 || b.y() < -0.5 || b.x() + b.w() > width + 0.5 || b.y() + b.h() > height + 0.5) {
      out.add(new Problem(key, d.label(), "outside", String.format(Locale.ROOT,
          "box x=%.1f y=%.1f w=%.1f h=%.1f reaches outside the %dx%d image", b.x(), b.y(), b.w(), b.h(), width, height)));
    }
    if (b.w() < MIN_SIDE || b.h() < MIN_SIDE) {
      out.add(new Problem(key, d.label(), "degenerate", String.format(Locale.ROOT,
          "box %.1f x %.1f px is under %.0f px on a side", b.w(), b.h(), MIN_SIDE)));
    }
    if (d.polygon() != null) {
      for (int i = 0; i < d.polygon().size(); i += 2) {
        double x = d.polygon().get(i);
        double y = d.polygon().get(i + 1);
        if (x < b.x() - 1 || y < b.y() - 1 || x > b.x() + b.w() + 1 || y > b.y() + b.h() + 1) {
          out.add(new Problem(key, d.label(), "outline-outside-box", String.format(Locale.ROOT,
              "outline point (%.1f, %.1f) lies outside its box x=%.1f y=%.1f w=%.1f h=%.1f", x, y, b.x(), b.y(), b.w(), b.h())));
          break;
        }
      }
    }
  }

  /** The name a class is compared by: lower case, spaces, dashes and underscores folded, a plural s dropped. */
  static String fold(String name) {
    String s = name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
    if (s.endsWith("ies") && s.length() > 4) {
      return s.substring(0, s.length() - 3) + "y";
    }
    if (s.endsWith("es") && (s.endsWith("sses") || s.endsWith("ches") || s.endsWith("shes") || s.endsWith("xes"))) {
      return s.substring(0, s.length() - 2);
    }
    if (s.endsWith("s") && !s.endsWith("ss") && s.length() > 3) {
      return s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** Class names that fold to the same name, with the {@code --map}s that merge them into the most used one. */
  static void nameProblems(Map<String, Integer> counts, List<Problem> out) {
    Map<String, List<String>> byFold = new TreeMap<>();
    counts.keySet().forEach(c -> byFold.computeIfAbsent(fold(c), k -> new ArrayList<>()).add(c));
    for (List<String> names : byFold.values()) {
      if (names.size() < 2) {
        continue;
      }
      String main = names.stream().max(Comparator.comparingInt((String c) -> counts.get(c)).thenComparing(Comparator.reverseOrder()))
          .orElseThrow();
      StringBuilder maps = new StringBuilder();
      for (String c : names) {
        if (!c.equals(main)) {
          maps.append(" --map '").append(c).append("=").append(main).append("'");
        }
      }
      out.add(new Problem("-", String.join(", ", names.stream().map(c -> "'" + c + "'").toList()), "similar-names",
          "class names that differ only in case, spacing or plural; merge them on export with" + maps));
    }
  }

  /** Newest revision of each author on a frame, compared pairwise. */
  private static void reviewers(String key, List<Revisions.Revision> revs, Map<String, Tally> out) {
    Map<String, Revisions.Revision> newest = new TreeMap<>();
    for (Revisions.Revision r : revs) {
      newest.put(r.author() == null ? "(unknown)" : r.author(), r);
    }
    List<String> authors = new ArrayList<>(newest.keySet());
    for (int i = 0; i < authors.size(); i++) {
      for (int j = i + 1; j < authors.size(); j++) {
        out.computeIfAbsent("reviewers " + authors.get(i) + " vs " + authors.get(j), k -> new Tally())
            .add(key, boxesOf(newest.get(authors.get(i)).labels().detections()),
                boxesOf(newest.get(authors.get(j)).labels().detections()));
      }
    }
  }

  /** Matches of two box sets, per class, and the frames where they agree least. */
  static final class Tally {
    private final Map<String, double[]> classes = new TreeMap<>(); // boxes, matched, sum of IoU
    private final Map<String, Double> frameAgreement = new LinkedHashMap<>();

    void add(String frame, List<Detection> a, List<Detection> b) {
      boolean[] taken = new boolean[b.size()];
      int matched = 0;
      for (Detection x : a) {
        int best = -1;
        double bestIou = 0.5;
        for (int j = 0; j < b.size(); j++) {
          double iou = x.box().iou(b.get(j).box());
          if (!taken[j] && b.get(j).label().equals(x.label()) && iou >= bestIou) {
            best = j;
            bestIou = iou;
          }
        }
        double[] c = classes.computeIfAbsent(x.label(), k -> new double[3]);
        c[0]++;
        if (best >= 0) {
          taken[best] = true;
          c[1]++;
          c[2] += bestIou;
          matched++;
        }
      }
      for (int j = 0; j < b.size(); j++) {
        if (!taken[j]) {
          classes.computeIfAbsent(b.get(j).label(), k -> new double[3])[0]++;
        }
      }
      int total = a.size() + b.size() - matched;
      frameAgreement.put(frame, total == 0 ? 1.0 : matched / (double) total);
    }

    Agreement agreement(String between) {
      Map<String, double[]> out = new TreeMap<>();
      classes.forEach((k, c) -> out.put(k, new double[] {c[0] == 0 ? 1 : c[1] / c[0], c[1] == 0 ? 0 : c[2] / c[1]}));
      List<String> worst = frameAgreement.entrySet().stream().filter(e -> e.getValue() < 1)
          .sorted(Map.Entry.comparingByValue()).limit(10)
          .map(e -> String.format(Locale.ROOT, "%s (%.0f%% of boxes matched)", e.getKey(), e.getValue() * 100)).toList();
      return new Agreement(between, out, worst);
    }
  }
}
