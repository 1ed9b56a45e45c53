package io.fieldcap.dataset.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * labelme's own files, as labelme 5 opens them: each image with a JSON file of the same name beside
 * it ({@code DEVICE_FRAME.jpg}, {@code DEVICE_FRAME.json}; in {@code SPLIT/} folders with {@code
 * --split}). A box is a {@code rectangle} shape whose two points are its top-left and bottom-right
 * corners in pixels; an outline is a {@code polygon} shape with its points. The score is kept as an
 * extra {@code score} key of the shape, and whole-frame labels as image {@code flags}; labelme keeps
 * both when it saves. {@code imagePath} is the image's file name, {@code imageData} null, and a
 * {@code fieldcap} key carries the device, frame id, capture time, model and SHA-256, so that a file
 * corrected in labelme can be matched to its frame.
 */
public final class LabelmeExporter implements Exporter {
  /** The labelme file format version written (labelme warns about files of another major version). */
  static final String VERSION = "5.1.1";

  @Override
  public String format() {
    return "labelme";
  }

  static List<List<Double>> corners(Box b) {
    return List.of(List.of(b.x(), b.y()), List.of(b.x() + b.w(), b.y() + b.h()));
  }

  /**
   * The image flag a reviewer ticks in labelme to say "I checked these labels": written unticked, so
   * that importing a folder back takes only the files a person changed or ticked as reviews.
   */
  public static final String REVIEWED = "reviewed";

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    AtomicInteger images = new AtomicInteger();
    AtomicInteger shapes = new AtomicInteger();
    TreeSet<String> classes = new TreeSet<>();
    try {
      store.forEach(f -> {
        String name = f.device() + "_" + f.frameId();
        Path dir = options.splits() == null ? out : out.resolve(options.splits().of(f));
        List<Map<String, Object>> list = new ArrayList<>();
        Map<String, Boolean> flags = new LinkedHashMap<>();
        flags.put(REVIEWED, false); // the reviewer ticks it; an untouched file is not a review
        if (f.labels() != null) {
          for (Detection d : MaskShapes.shapes(f.labels(), "segment".equals(options.task()))) {
            if (d.box() == null) {
              flags.put(d.label(), true);
              continue;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("label", d.label());
            if (d.polygon() != null && "segment".equals(options.task())) {
              List<List<Double>> pts = new ArrayList<>();
              for (int i = 0; i < d.polygon().size(); i += 2) {
                pts.add(List.of(d.polygon().get(i), d.polygon().get(i + 1)));
              }
              s.put("points", pts);
              s.put("shape_type", "polygon");
            } else {
              s.put("points", corners(d.box()));
              s.put("shape_type", "rectangle");
            }
            s.put("group_id", null);
            s.put("flags", Map.of());
            s.put("score", d.score());
            list.add(s);
            classes.add(d.label());
          }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", VERSION);
        doc.put("flags", flags);
        doc.put("shapes", list);
        doc.put("imagePath", name + f.extension());
        doc.put("imageData", null);
        doc.put("imageHeight", f.height());
        doc.put("imageWidth", f.width());
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("device", f.device());
        origin.put("frameId", f.frameId());
        origin.put("capturedAt", f.capturedAt().toString());
        origin.put("sha256", f.sha256());
        if (f.labels() != null && f.labels().model() != null) {
          origin.put("model", f.labels().model());
          if (f.labels().version() != null) {
            origin.put("modelVersion", f.labels().version());
          }
        }
        origin.putAll(Exporter.context(f));
        doc.put("fieldcap", origin);
        try {
          Exporter.place(f.image().fetch(), dir.resolve(name + f.extension()), options.link());
          // labelme's reader wants null written out (imageData, group_id): the shared mapper leaves nulls out
          Files.write(dir.resolve(name + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        shapes.addAndGet(list.size());
        images.incrementAndGet();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Result(images.get(), shapes.get(), classes.size(), out);
  }

  private static final ObjectMapper JSON = Json.MAPPER.copy()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS);
}
