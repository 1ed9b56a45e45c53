package io.fieldcap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's detections scored against a selection's labels, as {@code fieldcap eval} reports it: the
 * frames numbered and the classes ordered exactly as {@code fieldcap export --format coco} numbers them
 * over the same selection (so a COCO results file made from such an export lines up), the labels taken
 * as COCO ground truth (the export's areas), then {@link CocoEval} for the figures and {@link
 * Confusion} for the confusion matrix and the frames with the most mistakes.
 */
public final class Evaluation {
  /** Where the detections come from: a frame's, given its image id in the export's numbering. */
  public interface Detector {
    /** The detections for this frame (image id {@code imageId}); empty for none. */
    List<Found> detect(int imageId, StoredFrame f) throws IOException;
  }

  /**
   * A detection with the area COCO gives it: a box's width × height when the detections have boxes,
   * the mask's pixels when they are masks alone (as pycocotools' {@code loadRes}).
   */
  public record Found(Detection detection, double area) {
    /** A detection with a box: its area is the box's. */
    public static Found of(Detection d) {
      return new Found(d, d.box().w() * d.box().h());
    }
  }

  /** A model's labels as detections. */
  public static List<Found> found(LabelSet l) {
    List<Found> out = new ArrayList<>();
    if (l != null) {
      for (Detection d : l.detections()) {
        if (d.box() != null) {
          out.add(Found.of(d));
        }
      }
    }
    return out;
  }

  /** What an evaluation found. */
  public record Report(int frames, List<String> classes, CocoEval.Result result, Confusion confusion,
      List<StoredFrame> frameList) {
    /** The figures as {@code --json} prints them. */
    public Map<String, Object> json(String iouType) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("frames", frames);
      out.put(iouType, figures());
      return out;
    }

    /**
     * What a Models page draws besides the figures: each class's precision at 101 recall points at IoU
     * 0.5 ({@code precisionRecallIoU50}), the {@code confusion} matrix, and up to {@code worst} frames with
     * the most mistakes ({@code worstFrames}: device, frame id, false positives, false negatives, and the
     * model's {@code detections} there as the matrix counted them: label, score, box in image pixels).
     */
    public Map<String, Object> details(int worst) {
      Map<String, Object> d = new LinkedHashMap<>();
      Map<String, Object> curves = new LinkedHashMap<>();
      for (int k = 0; k < classes.size(); k++) {
        double[] c = result.curve(k);
        for (int i = 0; i < c.length; i++) {
          c[i] = round(c[i]);
        }
        curves.put(classes.get(k), c);
      }
      double[] recall = new double[101];
      for (int i = 0; i <= 100; i++) {
        recall[i] = i / 100.0;
      }
      d.put("precisionRecallIoU50", Map.of("recall", recall, "precision", curves));
      d.put("confusion", Map.of("iou", Confusion.IOU, "minScore", confusion.minScore(), "names", confusion.names(),
          "matrix", confusion.matrix()));
      List<Map<String, Object>> w = new ArrayList<>();
      for (int[] x : confusion.worst(worst)) {
        StoredFrame f = frameList.get(x[0]);
        List<Map<String, Object>> found = new ArrayList<>();
        for (Confusion.Shown s : confusion.detections(x[0])) {
          Box b = s.box();
          found.add(Map.of("label", classes.get(s.classIndex()), "score", round(s.score()), "box", Map.of("x", tenth(b.x()),
              "y", tenth(b.y()), "w", tenth(b.w()), "h", tenth(b.h()))));
        }
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("device", f.device());
        one.put("frameId", f.frameId());
        one.put("falsePositives", x[1]);
        one.put("falseNegatives", x[2]);
        one.put("detections", found);
        w.add(one);
      }
      d.put("worstFrames", w);
      return d;
    }

    /** The twelve figures, rounded to 6 decimals, and {@code perClass}. */
    public Map<String, Object> figures() {
      Map<String, Object> per = new LinkedHashMap<>();
      for (int k = 0; k < classes.size(); k++) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("AP", round(result.ap(k)));
        c.put("AP50", round(result.ap50(k)));
        per.put(classes.get(k), c);
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      result.summary().forEach((k, v) -> figures.put(k, round(v)));
      figures.put("perClass", per);
      return figures;
    }
  }

  private Evaluation() {}

  private static double tenth(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Figures to 6 decimals: beyond that they are summation order, not signal. */
  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  /** The export's class order: {@code classes} when given, else every box class of the labels, by name. */
  public static List<String> classes(Frames truth, List<String> classes) throws IOException {
    return CocoExporter.classes(truth, classes);
  }

  /**
   * Scores {@code detector}'s detections on {@code truth} (frames as the selection gives them, their
   * {@code labels()} the ground truth), for {@code classes} in the export's order.
   *
   * @throws IllegalArgumentException for a mask evaluation of labels with neither mask nor outline
   */
  public static Report run(Frames truth, List<String> classes, Detector detector, CocoEval.IouType type,
      double confusionScore) throws IOException {
    Map<String, Integer> catIds = new LinkedHashMap<>();
    for (String c : classes) {
      catIds.put(c, catIds.size() + 1);
    }
    List<CocoEval.Truth> truths = new ArrayList<>();
    List<CocoEval.Detected> detections = new ArrayList<>();
    List<Integer> images = new ArrayList<>();
    List<StoredFrame> frames = new ArrayList<>();
    Confusion confusion = new Confusion(classes, confusionScore);
    int[] ids = {0, 0, 0};
    try {
      truth.forEach(f -> {
      int image = ++ids[0];
      images.add(image);
      frames.add(f.withLabels(null));
      List<CocoEval.Truth> mine = new ArrayList<>();
      if (f.labels() != null) {
        for (Detection d : f.labels().detections()) {
          Integer cat = catIds.get(d.label());
          if (d.box() == null || d.backgroundMask() || cat == null) {
            continue; // as the export: whole-frame labels and a semantic model's background are no objects
          }
          mine.add(new CocoEval.Truth(++ids[1], image, cat, d.box(), type == CocoEval.IouType.SEGM ? mask(d, f) : null,
              CocoExporter.area(d), false));
        }
      }
      List<CocoEval.Detected> found = new ArrayList<>();
      List<Found> got;
      try {
        got = detector.detect(image, f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (Found x : got) {
        Detection d = x.detection();
        Integer cat = catIds.get(d.label());
        if (d.box() == null || d.backgroundMask() || cat == null) {
          continue; // a class the ground truth does not have is not scored, as pycocotools
        }
        Rle m = type == CocoEval.IouType.SEGM ? mask(d, f) : null;
        found.add(new CocoEval.Detected(++ids[2], image, cat, d.box(), m, d.score(), x.area()));
      }
      truths.addAll(mine);
      detections.addAll(found);
      confusion.add(frames.size() - 1, mine, found);
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    CocoEval.Result r = CocoEval.evaluate(images, new ArrayList<>(catIds.values()), truths, detections, type);
    return new Report(images.size(), List.copyOf(classes), r, confusion, frames);
  }

  /** A label's mask: its own, or its outline rasterised as pycocotools does. */
  static Rle mask(Detection d, StoredFrame f) {
    if (d.mask() != null) {
      return d.mask();
    }
    double[] xy;
    if (d.polygon() != null) {
      xy = d.polygon().stream().mapToDouble(Double::doubleValue).toArray();
    } else {
      throw new IllegalArgumentException("--iou-type segm: '" + d.label() + "' on frame " + f.device() + "/" + f.frameId()
          + " is a box with no mask or outline; evaluate boxes (--iou-type bbox)");
    }
    int[] runs = Masks.fromPolygon(xy, f.height(), f.width());
    return Rle.of(f.height(), f.width(), runs, runs.length);
  }

  /**
   * The detections of a COCO results file ({@code image_id}, {@code category_id}, {@code bbox}, {@code
   * score}, optional {@code segmentation}), by image id, with the categories' names: what {@link
   * #run} takes as a {@link Detector}.
   */
  public static Detector fromResults(Path file, List<String> classes) throws IOException {
    JsonNode all;
    try {
      all = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("--detections: " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (all == null || !all.isArray()) {
      throw new IllegalArgumentException("--detections: " + file + " must hold a JSON array of results"
          + " (image_id, category_id, bbox, score), as COCO's results files do");
    }
    Map<Integer, List<Found>> byImage = new LinkedHashMap<>();
    // as loadRes: when the first result has a box, every area is its box's; else the masks' pixels
    boolean boxes = all.size() > 0 && all.get(0).path("bbox").isArray() && all.get(0).path("bbox").size() > 0;
    int n = 0;
    for (JsonNode r : all) {
      n++;
      String where = "--detections: result " + n;
      if (!r.path("image_id").canConvertToInt() || !r.path("category_id").canConvertToInt() || !r.path("score").isNumber()) {
        throw new IllegalArgumentException(where + " needs a numeric image_id, category_id and score: " + r);
      }
      int cat = r.get("category_id").asInt();
      if (cat < 1 || cat > classes.size()) {
        continue; // not a class of this selection: not scored, as pycocotools
      }
      JsonNode b = r.path("bbox");
      Box box = null;
      if (b.isArray() && b.size() == 4) {
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
          if (!b.get(i).isNumber() || !Double.isFinite(b.get(i).asDouble())) {
            throw new IllegalArgumentException(where + ": bbox must be four finite numbers: " + b);
          }
          v[i] = b.get(i).asDouble();
        }
        if (v[2] < 0 || v[3] < 0) {
          throw new IllegalArgumentException(where + ": bbox has a negative width or height: " + b);
        }
        box = new Box(v[0], v[1], v[2], v[3]);
      }
      Rle mask = null;
      JsonNode s = r.path("segmentation");
      if (s.isObject()) {
        try {
          mask = new Rle(List.of(s.at("/size/0").asInt(), s.at("/size/1").asInt()), s.path("counts").asText());
          mask.runs();
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(where + ": segmentation is not a compressed RLE: " + e.getMessage());
        }
      }
      if (box == null && mask == null) {
        throw new IllegalArgumentException(where + " has neither a bbox [x, y, w, h] nor an RLE segmentation");
      }
      if (box == null) {
        box = mask.box() == null ? new Box(0, 0, 0, 0) : mask.box();
      }
      double score = r.get("score").asDouble();
      if (!(score >= 0 && score <= 1)) {
        throw new IllegalArgumentException(where + ": score " + score + " is not from 0 to 1");
      }
      Detection d = new Detection(classes.get(cat - 1), score, box, null, mask);
      double area = boxes || mask == null ? box.w() * box.h() : Masks.area(mask.runs());
      byImage.computeIfAbsent(r.get("image_id").asInt(), k -> new ArrayList<>()).add(new Found(d, area));
    }
    return (image, f) -> byImage.getOrDefault(image, List.of());
  }
}
