package io.fieldcap.dataset.format;

import com.fasterxml.jackson.core.JsonGenerator;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * COCO detection: {@code OUT/annotations.json} and the images under {@code OUT/images/DEVICE/}.
 * Pre-labels become annotations with their {@code score} (and, from instance segmentation models,
 * their outline as a COCO polygon; from semantic segmentation models, the class's pixels as COCO's
 * compressed RLE with {@code iscrowd} 0, as COCO-Stuff has them) (an extra field that COCO's tools keep and
 * Label Studio's and CVAT's importers ignore); categories are numbered from 1 in name order. Whole
 * frame labels (classifiers) have no COCO detection form and are listed per image under {@code labels}.
 */
public final class CocoExporter implements Exporter {
  /** Shoelace formula over x, y pairs. */
  static double polygonArea(List<Double> p) {
    double sum = 0;
    int n = p.size() / 2;
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      sum += p.get(2 * i) * p.get(2 * j + 1) - p.get(2 * j) * p.get(2 * i + 1);
    }
    return Math.abs(sum) / 2;
  }

  /** The {@code area} an annotation gets: a mask's pixels, an outline's area, else the box's. */
  public static double area(Detection d) {
    return d.mask() != null ? d.mask().area() : d.polygon() != null ? polygonArea(d.polygon()) : d.box().w() * d.box().h();
  }

  /** The categories of a COCO export of {@code frames}, in order (ids 1, 2, ...): {@code given}, else every box class by name. */
  public static List<String> classes(Frames frames, List<String> given) throws IOException {
    return Exporter.boxClasses(frames, given);
  }

  @Override
  public String format() {
    return "coco";
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    Map<String, Integer> categories = new LinkedHashMap<>();
    for (String name : Exporter.boxClasses(store, options.selection().classes())) {
      categories.put(name, categories.size() + 1);
    }
    Files.createDirectories(out);
    Path tmp = out.resolve("annotations.json.part");
    AtomicInteger images = new AtomicInteger();
    AtomicInteger annotations = new AtomicInteger();
    // Written as a stream, in two passes over the frames (images, then annotations, as COCO orders
    // them), so that memory does not grow with the number of frames; image ids are the frames' order.
    try (OutputStream os = Files.newOutputStream(tmp);
        JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(os).useDefaultPrettyPrinter()) {
      gen.writeStartObject();
      gen.writeObjectField("info", Exporter.ordered("description", "fieldcap export", "date_created",
          (options.created() == null ? Instant.now() : options.created()).toString(),
          "version", "1"));
      gen.writeObjectField("licenses", List.of());
      gen.writeArrayFieldStart("images");
      store.forEach(f -> {
        int imageId = images.incrementAndGet();
        String fileName = f.device() + "/" + f.frameId() + f.extension();
        try {
          Exporter.place(f.image().fetch(), out.resolve("images").resolve(fileName), options.link());
          gen.writeObject(image(f, imageId, fileName, options));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      gen.writeEndArray();
      gen.writeArrayFieldStart("annotations");
      AtomicInteger imageId = new AtomicInteger();
      store.forEach(f -> {
        int id = imageId.incrementAndGet();
        if (f.labels() == null) {
          return;
        }
        List<Detection> dets = options.polygons() ? MaskShapes.shapes(f.labels(), true) : f.labels().detections();
        for (Detection d : dets) {
          if (d.box() == null || !MaskShapes.isObject(d)) {
            continue; // whole-frame labels are listed per image; a semantic model's background is no category
          }
          Map<String, Object> a = new LinkedHashMap<>();
          a.put("id", annotations.incrementAndGet());
          a.put("image_id", id);
          a.put("category_id", categories.get(d.label()));
          a.put("bbox", List.of(d.box().x(), d.box().y(), d.box().w(), d.box().h()));
          if (d.mask() != null) {
            // semantic segmentation: the class's pixels as compressed RLE, as COCO-Stuff's annotations hold them
            a.put("segmentation", Map.of("size", d.mask().size(), "counts", d.mask().counts()));
            a.put("area", d.mask().area());
          } else if (d.polygon() != null) {
            a.put("segmentation", List.of(d.polygon()));
            a.put("area", area(d));
          } else {
            a.put("area", area(d));
          }
          a.put("iscrowd", 0);
          a.put("score", d.score());
          try {
            gen.writeObject(a);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
      gen.writeEndArray();
      List<Map<String, Object>> cats = new ArrayList<>();
      categories.forEach((name, id) -> cats.add(Exporter.ordered("id", id, "name", name, "supercategory", "")));
      gen.writeObjectField("categories", cats);
      gen.writeEndObject();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.move(tmp, out.resolve("annotations.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(images.get(), annotations.get(), categories.size(), out);
  }

  private static Map<String, Object> image(StoredFrame f, int imageId, String fileName, ExportOptions options) {
    Map<String, Object> img = new LinkedHashMap<>();
    img.put("id", imageId);
    img.put("file_name", fileName);
    img.put("width", f.width());
    img.put("height", f.height());
    img.put("date_captured", f.capturedAt().toString());
    img.put("device", f.device());
    img.put("frame_id", f.frameId());
    img.put("sha256", f.sha256());
    img.putAll(Exporter.context(f));
    if (options.splits() != null) {
      img.put("split", options.splits().of(f));
    }
    if (f.labels() != null) {
      img.put("model", f.labels().model());
      if (f.labels().version() != null) {
        img.put("model_version", f.labels().version());
      }
      List<Map<String, Object>> wholeFrame = new ArrayList<>();
      for (Detection d : f.labels().detections()) {
        if (d.box() == null) {
          wholeFrame.add(Exporter.ordered("class", d.label(), "score", d.score()));
        }
      }
      if (!wholeFrame.isEmpty()) {
        img.put("labels", wholeFrame);
      }
    }
    return img;
  }
}
