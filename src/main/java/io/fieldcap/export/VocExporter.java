package io.fieldcap.export;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pascal VOC: {@code JPEGImages/NAME.jpg}, {@code Annotations/NAME.xml} and {@code
 * ImageSets/Main/SPLIT.txt}. Boxes are in the VOC devkit's convention: 1-based, inclusive pixel
 * coordinates, so a box covering the 0-based pixels {@code x .. x+w-1} is {@code xmin = x+1}, {@code
 * xmax = x+w} (rounded to whole pixels). Every object is {@code difficult 0}, {@code truncated 0},
 * pose {@code Unspecified}; its score is kept as an extra {@code score} element, which VOC readers
 * ignore. NAME is {@code DEVICE_FRAMEID}. Whole-frame labels are not written.
 */
public final class VocExporter implements Exporter {
  @Override
  public String format() {
    return "voc";
  }

  /** xmin, ymin, xmax, ymax in VOC's 1-based inclusive pixels, within the image. */
  static int[] bndbox(Box b, int width, int height) {
    int xmin = (int) Math.max(1, Math.round(b.x()) + 1);
    int ymin = (int) Math.max(1, Math.round(b.y()) + 1);
    int xmax = (int) Math.min(width, Math.round(b.x() + b.w()));
    int ymax = (int) Math.min(height, Math.round(b.y() + b.h()));
    return new int[] {xmin, ymin, Math.max(xmin, xmax), Math.max(ymin, ymax)};
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    Splits splits = options.splits() == null ? Splits.ALL_TRAIN : options.splits();
    Files.createDirectories(out.resolve("Annotations"));
    Files.createDirectories(out.resolve("ImageSets/Main"));
    Map<String, List<String>> sets = new LinkedHashMap<>();
    for (String s : List.of("train", "val", "test")) {
      sets.put(s, new ArrayList<>());
    }
    java.util.SortedSet<String> classes = new java.util.TreeSet<>();
    AtomicInteger images = new AtomicInteger();
    AtomicInteger objects = new AtomicInteger();
    try {
      store.forEach(f -> {
        String name = f.device() + "_" + f.frameId();
        StringBuilder x = new StringBuilder();
        x.append("<annotation>\n  <folder>JPEGImages</folder>\n  <filename>").append(name).append(f.extension()).append("</filename>\n");
        x.append("  <source><database>fieldcap</database><device>").append(xml(f.device())).append("</device><frame_id>")
            .append(f.frameId()).append("</frame_id><captured_at>").append(f.capturedAt()).append("</captured_at>");
        if (f.labels() != null && f.labels().model() != null) {
          x.append("<model>").append(xml(f.labels().modelVersion())).append("</model>");
        }
        Map<String, Object> context = Exporter.context(f);
        if (context.get("gps") instanceof Map<?, ?> gps) {
          x.append("<gps>");
          gps.forEach((k, v) -> x.append('<').append(k).append('>').append(xml(String.valueOf(v))).append("</").append(k).append('>'));
          x.append("</gps>");
        }
        if (context.get("tags") instanceof Map<?, ?> tags) {
          tags.forEach((k, v) -> x.append("<tag name=\"").append(xml(String.valueOf(k))).append("\">").append(xml(String.valueOf(v)))
              .append("</tag>"));
        }
        x.append("</source>\n");
        x.append("  <size><width>").append(f.width()).append("</width><height>").append(f.height())
            .append("</height><depth>3</depth></size>\n  <segmented>0</segmented>\n");
        if (f.labels() != null) {
          for (Detection d : f.labels().detections()) {
            if (d.box() == null) {
              continue;
            }
            int[] b = bndbox(d.box(), f.width(), f.height());
            classes.add(d.label());
            x.append("  <object>\n    <name>").append(xml(d.label())).append("</name>\n    <pose>Unspecified</pose>\n")
                .append("    <truncated>0</truncated>\n    <difficult>0</difficult>\n")
                .append(String.format(java.util.Locale.ROOT, "    <score>%.4f</score>%n", d.score()))
                .append("    <bndbox><xmin>").append(b[0]).append("</xmin><ymin>").append(b[1]).append("</ymin><xmax>")
                .append(b[2]).append("</xmax><ymax>").append(b[3]).append("</ymax></bndbox>\n  </object>\n");
            objects.incrementAndGet();
          }
        }
        x.append("</annotation>\n");
        try {
          Exporter.place(f.image(), out.resolve("JPEGImages").resolve(name + f.extension()), options.link());
          Files.writeString(out.resolve("Annotations").resolve(name + ".xml"), x, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        sets.get(splits.of(f)).add(name);
        images.incrementAndGet();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Map.Entry<String, List<String>> s : sets.entrySet()) {
      Files.write(out.resolve("ImageSets/Main").resolve(s.getKey() + ".txt"), s.getValue(), StandardCharsets.UTF_8);
    }
    return new Result(images.get(), objects.get(), classes.size(), out);
  }
}
