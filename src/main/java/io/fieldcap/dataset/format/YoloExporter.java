package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Splits;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Ultralytics YOLO layout: {@code images/SPLIT/NAME.jpg}, {@code labels/SPLIT/NAME.txt} and {@code
 * data.yaml}. A label line is {@code class cx cy w h} with the box's centre and size divided by the
 * image's width and height (0..1, six decimals), classes numbered from 0 in name order; with {@code
 * --task segment} it is {@code class x1 y1 ... xn yn}, the outline's points normalised the same way
 * (detections without an outline are left out). A frame without boxes gets an empty label file: a
 * background image, as Ultralytics counts it. NAME is {@code DEVICE_FRAMEID}, so the file name carries
 * the frame id. Whole-frame labels have no YOLO detection form and are not written.
 */
public final class YoloExporter implements Exporter {
  @Override
  public String format() {
    return "yolo";
  }

  /** A box as a YOLO label line's numbers: centre x, centre y, width, height, each over the image's size. */
  static String line(int cls, Box b, int width, int height) {
    return String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f", cls, (b.x() + b.w() / 2) / width,
        (b.y() + b.h() / 2) / height, b.w() / width, b.h() / height);
  }

  static String polygonLine(int cls, List<Double> p, int width, int height) {
    StringBuilder s = new StringBuilder(Integer.toString(cls));
    for (int i = 0; i < p.size(); i += 2) {
      s.append(String.format(Locale.ROOT, " %.6f %.6f", clamp(p.get(i) / width), clamp(p.get(i + 1) / height)));
    }
    return s.toString();
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    List<String> classes = Exporter.boxClasses(store, options.selection().classes());
    Splits splits = options.splits() == null ? Splits.ALL_TRAIN : options.splits();
    boolean segment = "segment".equals(options.task());
    for (String s : List.of("train", "val", "test")) {
      Files.createDirectories(out.resolve("images").resolve(s));
      Files.createDirectories(out.resolve("labels").resolve(s));
    }
    AtomicInteger images = new AtomicInteger();
    AtomicInteger annotations = new AtomicInteger();
    try (BufferedWriter origins = Files.newBufferedWriter(out.resolve("frames.jsonl"), StandardCharsets.UTF_8)) {
      store.forEach(f -> {
        String split = splits.of(f);
        String name = f.device() + "_" + f.frameId();
        StringBuilder labels = new StringBuilder();
        if (f.labels() != null) {
          for (Detection d : MaskShapes.shapes(f.labels(), segment)) {
            if (d.box() == null || (segment && d.polygon() == null)) {
              continue;
            }
            int cls = classes.indexOf(d.label());
            labels.append(segment ? polygonLine(cls, d.polygon(), f.width(), f.height())
                : line(cls, d.box(), f.width(), f.height())).append('\n');
            annotations.incrementAndGet();
          }
        }
        try {
          Exporter.place(f.image().fetch(), out.resolve("images").resolve(split).resolve(name + f.extension()), options.link());
          Files.writeString(out.resolve("labels").resolve(split).resolve(name + ".txt"), labels, StandardCharsets.UTF_8);
          origins.write(Json.MAPPER.writeValueAsString(
              Exporter.originLine(f, "images/" + split + "/" + name + f.extension())));
          origins.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        images.incrementAndGet();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    StringBuilder yaml = new StringBuilder();
    yaml.append("# written by fieldcap export --format yolo").append(segment ? " --task segment" : "").append('\n');
    yaml.append("path: ").append(quote(out.toAbsolutePath().toString())).append('\n');
    yaml.append("train: images/train\nval: images/val\ntest: images/test\n");
    yaml.append("names:\n");
    for (int i = 0; i < classes.size(); i++) {
      yaml.append("  ").append(i).append(": ").append(quote(classes.get(i))).append('\n');
    }
    Files.writeString(out.resolve("data.yaml"), yaml, StandardCharsets.UTF_8);
    return new Result(images.get(), annotations.get(), classes.size(), out);
  }

  /** A YAML double-quoted scalar: backslash and quote escaped, control and line-separator characters as {@code \\uXXXX}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '"') {
        b.append('\\').append(c);
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
              || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
