package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * labelme files: every {@code *.json} under the folder with a {@code shapes} list. A {@code
 * rectangle} (two points: any two opposite corners) becomes a box, a {@code polygon} (or a shape
 * with no {@code shape_type}, as labelme 3 wrote them) an outline with its box; flags set to true
 * become whole-frame labels. Other shapes (circle, line, point, mask) have no box form and make the
 * file an error. The frame is named by the {@code fieldcap} key fieldcap's export writes (labelme
 * keeps unknown keys when it saves), else by {@code imagePath}.
 */
final class LabelmeReader implements LabelReader {
  @Override
  public String format() {
    return "labelme";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    for (Path f : LabelReader.files(in, ".json")) {
      String name = LabelReader.name(in, f);
      JsonNode doc = LabelReader.json(f, name, report);
      if (doc == null || !doc.isObject() || !doc.has("shapes")) {
        continue; // another JSON file in the folder (a Label Studio or COCO file): not labelme's
      }
      report.file();
      out.accept(parse(f, name, doc));
    }
  }

  static Annotated parse(Path f, String name, JsonNode doc) {
    List<String> errors = new ArrayList<>();
    List<Detection> labels = new ArrayList<>();
    int i = 0;
    for (JsonNode s : doc.path("shapes")) {
      i++;
      String label = s.path("label").asText("").strip();
      String type = s.path("shape_type").isNull() || s.path("shape_type").isMissingNode() ? "polygon"
          : s.path("shape_type").asText();
      JsonNode pts = s.path("points");
      if (label.isEmpty()) {
        errors.add("shape " + i + " has no label");
        continue;
      }
      List<Double> xy = new ArrayList<>();
      for (JsonNode p : pts) {
        if (p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
          errors.add("shape " + i + " ('" + label + "') has a point that is not [x, y]: " + p);
          xy = null;
          break;
        }
        xy.add(p.get(0).asDouble());
        xy.add(p.get(1).asDouble());
      }
      if (xy == null) {
        continue;
      }
      switch (type) {
        case "rectangle" -> {
          if (xy.size() != 4) {
            errors.add("shape " + i + " ('" + label + "') is a rectangle with " + xy.size() / 2 + " points, not 2");
          } else {
            labels.add(LabelReader.label(label, LabelReader.corners(xy.get(0), xy.get(1), xy.get(2), xy.get(3)), null));
          }
        }
        case "polygon" -> {
          if (xy.size() < 6) {
            errors.add("shape " + i + " ('" + label + "') is a polygon with " + xy.size() / 2 + " points, fewer than 3");
          } else {
            labels.add(LabelReader.label(label, LabelReader.bounds(xy), xy));
          }
        }
        default -> errors.add("shape " + i + " ('" + label + "') is a " + type
            + ", which has no box form (fieldcap reads rectangles and polygons)");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> flags = doc.path("flags").fields();
    Boolean reviewed = null;
    while (flags.hasNext()) {
      Map.Entry<String, JsonNode> e = flags.next();
      if (e.getKey().equals(LabelmeExporter.REVIEWED)) {
        reviewed = e.getValue().asBoolean(false); // the reviewer's tick, not a label
      } else if (e.getValue().asBoolean(false)) {
        labels.add(LabelReader.label(e.getKey(), null, null));
      }
    }
    String imagePath = doc.path("imagePath").asText("");
    Path image = imagePath.isEmpty() ? null : f.resolveSibling(imagePath.replace('\\', '/')).normalize();
    JsonNode origin = doc.path("fieldcap");
    return new Annotated(name, null, imagePath.isEmpty() ? f.getFileName().toString() : imagePath, image,
        text(origin, "device"), text(origin, "frameId"), doc.path("imageWidth").asInt(0), doc.path("imageHeight").asInt(0),
        labels, null, errors, reviewed);
  }

  static String text(JsonNode n, String key) {
    JsonNode v = n.path(key);
    return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
  }
}
