package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * COCO detection files ({@code *.json} with {@code images}, {@code annotations} and {@code
 * categories}): {@code bbox} is [x, y, width, height] with x, y the top-left corner in pixels; a
 * polygon {@code segmentation} becomes the outline (its first polygon when an object has several);
 * an RLE mask ({@code {"size": [h, w], "counts": ...}}, compressed string or uncompressed list, as
 * pycocotools and COCO-Stuff write them) becomes the label's mask, checked against the image's size. A {@code category_id} that {@code categories} does not list is an
 * unknown class. Images are looked for at {@code file_name} beside the file and under {@code
 * images/}; frames are named by the {@code device} and {@code frame_id} keys fieldcap's export writes,
 * else by {@code file_name}.
 */
final class CocoReader implements LabelReader {
  @Override
  public String format() {
    return "coco";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    for (Path f : LabelReader.files(in, ".json")) {
      String name = LabelReader.name(in, f);
      JsonNode doc = LabelReader.json(f, name, report);
      if (doc == null || !doc.isObject() || !doc.has("images") || !doc.has("annotations")) {
        continue; // not a COCO file
      }
      report.file();
      Map<Long, String> categories = new HashMap<>();
      for (JsonNode c : doc.path("categories")) {
        categories.put(c.path("id").asLong(), c.path("name").asText());
      }
      Map<Long, List<JsonNode>> byImage = new LinkedHashMap<>();
      for (JsonNode img : doc.path("images")) {
        byImage.put(img.path("id").asLong(), new ArrayList<>());
      }
      for (JsonNode a : doc.path("annotations")) {
        List<JsonNode> list = byImage.get(a.path("image_id").asLong());
        if (list == null) {
          report.problem(name + " (annotation " + a.path("id").asText() + ")",
              "image_id " + a.path("image_id").asText() + " is not among the file's images");
        } else {
          list.add(a);
        }
      }
      for (JsonNode img : doc.path("images")) {
        out.accept(image(f, name, img, byImage.get(img.path("id").asLong()), categories));
      }
    }
  }

  /** COCO's RLE in either form: counts as pycocotools' compressed string, or as the plain list of runs. */
  static Rle rle(JsonNode seg, int width, int height) {
    JsonNode size = seg.path("size");
    if (size.size() != 2) {
      throw new IllegalArgumentException("size must be [height, width], was " + size);
    }
    int h = size.get(0).asInt();
    int w = size.get(1).asInt();
    if (width > 0 && height > 0 && (w != width || h != height)) {
      throw new IllegalArgumentException("it is " + w + "x" + h + " but the image is " + width + "x" + height);
    }
    JsonNode counts = seg.path("counts");
    Rle r;
    if (counts.isTextual()) {
      r = new Rle(List.of(h, w), counts.asText());
    } else if (counts.isArray()) {
      int[] runs = new int[counts.size()];
      for (int i = 0; i < runs.length; i++) {
        runs[i] = counts.get(i).asInt();
      }
      r = Rle.of(h, w, runs, runs.length);
    } else {
      throw new IllegalArgumentException("counts must be a string or a list of runs");
    }
    long total = 0;
    for (int run : r.runs()) {
      total += run;
    }
    if (total != (long) h * w) {
      throw new IllegalArgumentException("its runs add up to " + total + " pixels, not " + h + "x" + w);
    }
    return r;
  }

  static Annotated image(Path f, String file, JsonNode img, List<JsonNode> anns, Map<Long, String> categories) {
    String fileName = img.path("file_name").asText("");
    List<String> errors = new ArrayList<>();
    List<Detection> labels = new ArrayList<>();
    for (JsonNode a : anns) {
      String what = "annotation " + a.path("id").asText();
      String label = categories.get(a.path("category_id").asLong());
      if (label == null) {
        errors.add(what + ": unknown class, category_id " + a.path("category_id").asText() + " is not among the categories");
        continue;
      }
      JsonNode b = a.path("bbox");
      if (b.size() != 4) {
        errors.add(what + " ('" + label + "') has no bbox [x, y, width, height]");
        continue;
      }
      boolean finite = true;
      for (JsonNode v : b) {
        finite &= v.isNumber() && Double.isFinite(v.asDouble());
      }
      if (!finite) {
        errors.add(what + " ('" + label + "') has a bbox value that is not a finite number: " + b);
        continue;
      }
      if (b.get(2).asDouble() < 0 || b.get(3).asDouble() < 0) {
        errors.add(what + " ('" + label + "') has a negative width or height: " + b);
        continue;
      }
      List<Double> polygon = null;
      JsonNode seg = a.path("segmentation");
      if (seg.isArray() && seg.size() > 0 && seg.get(0).isArray() && seg.get(0).size() >= 6) {
        polygon = new ArrayList<>();
        for (JsonNode v : seg.get(0)) {
          polygon.add(v.asDouble());
        }
        if (polygon.size() % 2 != 0) {
          polygon = null;
        }
      }
      Rle mask = null;
      if (seg.isObject()) {
        try {
          mask = rle(seg, img.path("width").asInt(0), img.path("height").asInt(0));
        } catch (IllegalArgumentException e) {
          errors.add(what + " ('" + label + "') has a bad RLE segmentation: " + e.getMessage());
          continue;
        }
      }
      Box box = new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
      labels.add(mask == null ? LabelReader.label(label, box, polygon) : new Detection(label, 1.0, box, null, mask));
    }
    for (JsonNode l : img.path("labels")) { // fieldcap's whole-frame labels
      labels.add(LabelReader.label(l.path("class").asText(), null, null));
    }
    Path dir = f.getParent();
    Path image = null;
    if (!fileName.isEmpty()) {
      for (Path p : List.of(dir.resolve(fileName), dir.resolve("images").resolve(fileName))) {
        if (Files.isRegularFile(p)) {
          image = p;
          break;
        }
      }
    }
    return new Annotated(file, "image " + img.path("id").asText() + " " + fileName, fileName, image,
        LabelmeReader.text(img, "device"), LabelmeReader.text(img, "frame_id"), img.path("width").asInt(0),
        img.path("height").asInt(0), labels, null, errors);
  }
}
