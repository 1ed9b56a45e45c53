package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Label Studio's "JSON" export (a list of tasks with their {@code annotations}). Of each task the
 * newest annotation that was not cancelled is read (tasks nobody annotated are counted, not
 * imported). Its {@code rectanglelabels} are boxes ({@code value} x, y: the top-left corner, width,
 * height, all in percent of {@code original_width} and {@code original_height}; a rotated rectangle,
 * turned about its top-left corner, becomes the box around it), {@code polygonlabels} outlines
 * (points in percent), {@code brushlabels} masks (Label Studio's brush encoding, see {@link
 * io.fieldcap.dataset.format.BrushRle}), and {@code choices} not tied to a region whole-frame labels. The frame is
 * named by {@code data.frame_id} and {@code data.device}, which fieldcap's export writes and Label
 * Studio keeps, else by the image URL's file name.
 */
final class LabelStudioReader implements LabelReader {
  private static final Set<String> IGNORED = Set.of("relation", "textarea", "rating", "number", "datetime", "pairwise");

  @Override
  public String format() {
    return "labelstudio";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    for (Path f : LabelReader.files(in, ".json")) {
      String name = LabelReader.name(in, f);
      JsonNode doc = LabelReader.json(f, name, report);
      if (doc == null || !doc.isArray() || doc.size() > 0 && !doc.get(0).has("data")) {
        continue; // not a Label Studio export: another JSON file in the folder
      }
      report.file();
      for (JsonNode task : doc) {
        JsonNode ann = newest(task.path("annotations"));
        if (ann == null) {
          report.unreviewed();
          continue;
        }
        out.accept(parse(name, task, ann));
      }
    }
  }

  /** The newest annotation not cancelled, or null. */
  static JsonNode newest(JsonNode annotations) {
    JsonNode best = null;
    for (JsonNode a : annotations) {
      if (a.path("was_cancelled").asBoolean(false)) {
        continue;
      }
      if (best == null || a.path("updated_at").asText("").compareTo(best.path("updated_at").asText("")) >= 0) {
        best = a;
      }
    }
    return best;
  }

  static Annotated parse(String file, JsonNode task, JsonNode ann) {
    String where = "task " + task.path("id").asText("?");
    List<String> errors = new ArrayList<>();
    List<Detection> labels = new ArrayList<>();
    Set<String> regions = new HashSet<>();
    int width = 0;
    int height = 0;
    for (JsonNode r : ann.path("result")) {
      String type = r.path("type").asText("");
      if (type.endsWith("labels") && !type.equals("labels")) {
        regions.add(r.path("id").asText());
      }
    }
    int i = 0;
    for (JsonNode r : ann.path("result")) {
      i++;
      String type = r.path("type").asText("");
      JsonNode v = r.path("value");
      if (IGNORED.contains(type)) {
        continue;
      }
      if (type.equals("choices")) {
        if (!regions.contains(r.path("id").asText())) {
          v.path("choices").forEach(c -> labels.add(LabelReader.label(c.asText(), null, null)));
        }
        continue;
      }
      if (!type.equals("rectanglelabels") && !type.equals("polygonlabels") && !type.equals("brushlabels")) {
        errors.add("result " + i + " is " + type + ", which has no box form (fieldcap reads rectanglelabels,"
            + " polygonlabels, brushlabels and choices)");
        continue;
      }
      int w = r.path("original_width").asInt(0);
      int h = r.path("original_height").asInt(0);
      if (w <= 0 || h <= 0) {
        errors.add("result " + i + " has no original_width/original_height: its percentages cannot be turned into pixels");
        continue;
      }
      width = w;
      height = h;
      JsonNode names = v.path(type);
      if (names.size() != 1) {
        errors.add("result " + i + " has " + names.size() + " labels in " + type + ", expected one");
        continue;
      }
      String label = names.get(0).asText();
      if (type.equals("brushlabels")) {
        if (!v.path("format").asText().equals("rle") || !v.path("rle").isArray()) {
          errors.add("result " + i + " ('" + label + "') is a brush without its rle");
          continue;
        }
        int[] bytes = new int[v.path("rle").size()];
        for (int k = 0; k < bytes.length; k++) {
          bytes[k] = v.path("rle").get(k).asInt();
        }
        Rle mask;
        try {
          mask = BrushRle.decode(bytes, w, h);
        } catch (IllegalArgumentException e) {
          errors.add("result " + i + " ('" + label + "') is a brush that cannot be read: " + e.getMessage());
          continue;
        }
        Box box = mask.box();
        if (box != null) { // an empty brush labels nothing
          labels.add(new Detection(label, 1.0, box, null, mask));
        }
      } else if (type.equals("rectanglelabels")) {
        double x = v.path("x").asDouble() * w / 100;
        double y = v.path("y").asDouble() * h / 100;
        double bw = v.path("width").asDouble() * w / 100;
        double bh = v.path("height").asDouble() * h / 100;
        double rot = v.path("rotation").asDouble(0);
        labels.add(LabelReader.label(label, rot == 0 ? new Box(x, y, bw, bh) : rotated(x, y, bw, bh, rot), null));
      } else {
        List<Double> xy = new ArrayList<>();
        for (JsonNode p : v.path("points")) {
          xy.add(p.get(0).asDouble() * w / 100);
          xy.add(p.get(1).asDouble() * h / 100);
        }
        if (xy.size() < 6) {
          errors.add("result " + i + " ('" + label + "') is a polygon with fewer than 3 points");
          continue;
        }
        labels.add(LabelReader.label(label, LabelReader.bounds(xy), xy));
      }
    }
    JsonNode data = task.path("data");
    return new Annotated(file, where, data.path("image").asText(""), null, LabelmeReader.text(data, "device"),
        LabelmeReader.text(data, "frame_id"), width, height, labels, author(ann.path("completed_by")), errors,
        true); // an annotation, not a prediction: a person submitted it
  }

  /** The box around a rectangle turned {@code degrees} clockwise about its top-left corner (Label Studio's rotation). */
  static Box rotated(double x, double y, double w, double h, double degrees) {
    double a = Math.toRadians(degrees);
    double cos = Math.cos(a);
    double sin = Math.sin(a);
    List<Double> pts = new ArrayList<>();
    for (double[] c : new double[][] {{0, 0}, {w, 0}, {w, h}, {0, h}}) {
      pts.add(x + c[0] * cos - c[1] * sin);
      pts.add(y + c[0] * sin + c[1] * cos);
    }
    return LabelReader.bounds(pts);
  }

  private static String author(JsonNode by) {
    if (by.isObject()) {
      String email = LabelmeReader.text(by, "email");
      return email != null ? email : "labelstudio user " + by.path("id").asText();
    }
    return by.isMissingNode() || by.isNull() ? null : "labelstudio user " + by.asText();
  }
}
