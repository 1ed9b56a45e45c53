package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An Ultralytics YOLO dataset: {@code data.yaml} (its {@code names}, a list or an index-to-name map)
 * and every image under an {@code images} folder, whose labels are in the same place under {@code
 * labels} with the extension {@code .txt} (Ultralytics' own rule: the last {@code /images/} of the
 * path becomes {@code /labels/}). Each line is {@code cls cx cy w h} (the box's centre and size,
 * normalised to the image's width and height) or {@code cls x1 y1 … xn yn} (an outline, normalised);
 * the image's size comes from its header. An image with no label file has no objects (a background
 * image). A class index beyond {@code names} is an unknown class.
 */
final class YoloReader implements LabelReader {
  @Override
  public String format() {
    return "yolo";
  }

  static Map<Integer, String> names(Path yaml) throws IOException {
    JsonNode doc = new YAMLMapper().readTree(yaml.toFile());
    JsonNode n = doc == null ? null : doc.get("names");
    if (n == null) {
      throw new IOException("has no names: list the classes as names: [a, b] or names: {0: a, 1: b}");
    }
    Map<Integer, String> out = new HashMap<>();
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.put(i, n.get(i).asText());
      }
    } else {
      n.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey().strip()), e.getValue().asText()));
    }
    return out;
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    if (!Files.isDirectory(in)) {
      throw new IOException("--in: a YOLO dataset is a folder with data.yaml, images/ and labels/; " + in + " is not a folder");
    }
    Path yaml = Files.isRegularFile(in.resolve("data.yaml")) ? in.resolve("data.yaml") : in.resolve("dataset.yaml");
    Map<Integer, String> names;
    try {
      names = names(yaml);
    } catch (IOException | NumberFormatException e) {
      report.problem(LabelReader.name(in, yaml), Files.exists(yaml) ? e.getMessage() : "missing: a YOLO dataset needs its data.yaml");
      return;
    }
    List<Path> images;
    try (Stream<Path> s = Files.walk(in)) {
      images = s.filter(p -> Files.isRegularFile(p) && isImage(p) && in.relativize(p).toString().contains("images"))
          .sorted().toList();
    }
    for (Path img : images) {
      Path label = labelFile(img);
      String name = LabelReader.name(in, label);
      report.file();
      List<String> errors = new ArrayList<>();
      List<Detection> labels = new ArrayList<>();
      int w = 0;
      int h = 0;
      try {
        ImageFile f = ImageFile.read(img);
        w = f.width();
        h = f.height();
      } catch (IOException e) {
        errors.add("image " + LabelReader.name(in, img) + ": " + e.getMessage());
      }
      if (w > 0 && Files.isRegularFile(label)) {
        int lineNo = 0;
        for (String line : Files.readAllLines(label, StandardCharsets.UTF_8)) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          parse(line, lineNo, w, h, names, labels, errors);
        }
      }
      out.accept(new Annotated(name, null, img.getFileName().toString(), img, null, null, w, h, labels, null, errors));
    }
  }

  static void parse(String line, int lineNo, int w, int h, Map<Integer, String> names, List<Detection> labels,
      List<String> errors) {
    String[] v = line.strip().split("\\s+");
    String what = "line " + lineNo;
    try {
      int cls = Integer.parseInt(v[0]);
      String label = names.get(cls);
      if (label == null) {
        errors.add(what + ": unknown class index " + cls + " (data.yaml names " + names.size() + " classes)");
        return;
      }
      if (v.length == 5) {
        double cx = Double.parseDouble(v[1]) * w;
        double cy = Double.parseDouble(v[2]) * h;
        double bw = Double.parseDouble(v[3]) * w;
        double bh = Double.parseDouble(v[4]) * h;
        labels.add(LabelReader.label(label, new Box(cx - bw / 2, cy - bh / 2, bw, bh), null));
      } else if (v.length >= 7 && v.length % 2 == 1) {
        List<Double> xy = new ArrayList<>();
        for (int i = 1; i < v.length; i += 2) {
          xy.add(Double.parseDouble(v[i]) * w);
          xy.add(Double.parseDouble(v[i + 1]) * h);
        }
        labels.add(LabelReader.label(label, LabelReader.bounds(xy), xy));
      } else {
        errors.add(what + " has " + v.length + " values: expected cls cx cy w h, or cls and at least 3 x y pairs");
      }
    } catch (IllegalArgumentException e) {
      errors.add(what + " is not numbers: '" + line.strip() + "'");
    }
  }

  static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** Ultralytics' img2label_paths: the last {@code images} folder of the path becomes {@code labels}, the extension {@code .txt}. */
  static Path labelFile(Path image) {
    Path dir = image.getParent();
    List<String> parts = new ArrayList<>();
    while (dir != null && !dir.getFileName().toString().equals("images")) {
      parts.add(0, dir.getFileName().toString());
      dir = dir.getParent();
    }
    Path labels = dir == null ? image.getParent() : dir.resolveSibling("labels");
    for (String p : parts) {
      labels = labels.resolve(p);
    }
    String n = image.getFileName().toString();
    return labels.resolve(n.substring(0, n.lastIndexOf('.')) + ".txt");
  }
}
