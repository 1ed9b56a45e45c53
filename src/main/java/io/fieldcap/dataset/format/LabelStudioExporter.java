package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.json.Json;
import io.fieldcap.markup.Markup;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Label Studio tasks with the pre-labels as predictions: {@code OUT/tasks.json}, {@code
 * OUT/labeling-config.xml} and the images under {@code OUT/images/}. Each task's {@code data.image} is
 * {@code --image-url} followed by the image's file name; its {@code predictions} hold one prediction
 * (the model as {@code model_version}, the mean score as {@code score}) whose {@code result} items have
 * unique ids, {@code from_name}/{@code to_name} matching the labeling config, the image's {@code
 * original_width}/{@code original_height}, and a {@code value} in percent of the image: {@code x},
 * {@code y} the top-left corner, {@code width}, {@code height} (Label Studio's convention, not the
 * centre), with {@code rectanglelabels}; outlines ({@code --task segment}) are {@code polygonlabels}
 * with points in percent; whole-frame labels are {@code choices}. Semantic masks are {@code
 * brushlabels} in Label Studio's brush encoding ({@link BrushRle}), or with {@code --task segment}
 * one {@code polygonlabels} per region. The tasks are written as a stream:
 * memory does not grow with the number of frames.
 */
public final class LabelStudioExporter implements Exporter {
  @Override
  public String format() {
    return "labelstudio";
  }

  private static double pct(double v, int of) {
    return Math.round(v / of * 100 * 1e6) / 1e6;
  }

  static Map<String, Object> rectangle(String id, Detection d, int width, int height) {
    Box b = d.box();
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("x", pct(b.x(), width));
    value.put("y", pct(b.y(), height));
    value.put("width", pct(b.w(), width));
    value.put("height", pct(b.h(), height));
    value.put("rotation", 0);
    value.put("rectanglelabels", List.of(d.label()));
    return item(id, "label", "rectanglelabels", value, d.score(), width, height);
  }

  private static Map<String, Object> item(String id, String from, String type, Map<String, Object> value, double score,
      int width, int height) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("from_name", from);
    r.put("to_name", "image");
    r.put("type", type);
    r.put("original_width", width);
    r.put("original_height", height);
    r.put("image_rotation", 0);
    r.put("value", value);
    r.put("score", score);
    return r;
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    boolean segment = "segment".equals(options.task());
    Files.createDirectories(out.resolve("images"));
    TreeSet<String> boxes = new TreeSet<>();
    TreeSet<String> outlines = new TreeSet<>();
    TreeSet<String> brushes = new TreeSet<>();
    TreeSet<String> choices = new TreeSet<>();
    AtomicInteger tasks = new AtomicInteger();
    AtomicInteger results = new AtomicInteger();
    Path tmp = out.resolve("tasks.json.part");
    try (OutputStream os = Files.newOutputStream(tmp);
        var gen = Json.MAPPER.getFactory().createGenerator(os)) {
      gen.writeStartArray();
      store.forEach(f -> {
        String name = f.device() + "_" + f.frameId() + f.extension();
        List<Map<String, Object>> result = new ArrayList<>();
        double scores = 0;
        if (f.labels() != null) {
          List<Detection> dets = segment ? MaskShapes.shapes(f.labels(), true)
              : f.labels().detections().stream().filter(MaskShapes::isObject).toList();
          for (Detection d : dets) {
            String id = "r" + (result.size() + 1);
            if (d.mask() != null) {
              result.add(item(id, "mask", "brushlabels", Exporter.ordered("format", "rle", "rle", BrushRle.encode(d.mask()),
                  "brushlabels", List.of(d.label())), d.score(), f.width(), f.height()));
              brushes.add(d.label());
            } else if (d.box() == null) {
              result.add(item(id, "class", "choices", Map.of("choices", List.of(d.label())), d.score(), f.width(), f.height()));
              choices.add(d.label());
            } else if (segment && d.polygon() != null) {
              List<List<Double>> pts = new ArrayList<>();
              for (int i = 0; i < d.polygon().size(); i += 2) {
                pts.add(List.of(pct(d.polygon().get(i), f.width()), pct(d.polygon().get(i + 1), f.height())));
              }
              result.add(item(id, "outline", "polygonlabels", Exporter.ordered("points", pts, "polygonlabels", List.of(d.label())),
                  d.score(), f.width(), f.height()));
              outlines.add(d.label());
            } else {
              result.add(rectangle(id, d, f.width(), f.height()));
              boxes.add(d.label());
            }
            scores += d.score();
          }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("image", options.imageUrl() + name);
        data.put("device", f.device());
        data.put("frame_id", f.frameId());
        data.put("captured_at", f.capturedAt().toString());
        data.put("sha256", f.sha256());
        data.putAll(Exporter.context(f));
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("data", data);
        if (!result.isEmpty()) {
          Map<String, Object> prediction = new LinkedHashMap<>();
          prediction.put("model_version", f.labels().model() == null ? "fieldcap" : f.labels().modelVersion());
          prediction.put("score", Math.round(scores / result.size() * 1e4) / 1e4);
          prediction.put("result", result);
          task.put("predictions", List.of(prediction));
        }
        try {
          Exporter.place(f.image().fetch(), out.resolve("images").resolve(name), options.link());
          gen.writeObject(task);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        tasks.incrementAndGet();
        results.addAndGet(result.size());
      });
      gen.writeEndArray();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.move(tmp, out.resolve("tasks.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(out.resolve("labeling-config.xml"), config(boxes, outlines, brushes, choices), StandardCharsets.UTF_8);
    TreeSet<String> all = new TreeSet<>(boxes);
    all.addAll(outlines);
    all.addAll(brushes);
    all.addAll(choices);
    return new Result(tasks.get(), results.get(), all.size(), out);
  }

  /** The labeling config whose control names match the predictions' {@code from_name}s. */
  static String config(TreeSet<String> boxes, TreeSet<String> outlines, TreeSet<String> brushes, TreeSet<String> choices) {
    StringBuilder x = new StringBuilder("<View>\n  <Image name=\"image\" value=\"$image\"/>\n");
    block(x, "RectangleLabels", "label", boxes);
    if (!outlines.isEmpty()) {
      block(x, "PolygonLabels", "outline", outlines);
    }
    if (!brushes.isEmpty()) {
      block(x, "BrushLabels", "mask", brushes);
    }
    if (!choices.isEmpty()) {
      x.append("  <Choices name=\"class\" toName=\"image\" choice=\"multiple\">\n");
      choices.forEach(c -> x.append("    <Choice value=\"").append(Markup.escape(c)).append("\"/>\n"));
      x.append("  </Choices>\n");
    }
    return x.append("</View>\n").toString();
  }

  private static void block(StringBuilder x, String tag, String name, TreeSet<String> labels) {
    x.append("  <").append(tag).append(" name=\"").append(name).append("\" toName=\"image\">\n");
    labels.forEach(l -> x.append("    <Label value=\"").append(Markup.escape(l)).append("\"/>\n"));
    x.append("  </").append(tag).append(">\n");
  }

}
