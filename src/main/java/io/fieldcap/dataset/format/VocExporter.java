package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Splits;
import io.fieldcap.markup.Markup;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Pascal VOC: {@code JPEGImages/NAME.jpg}, {@code Annotations/NAME.xml} and {@code
 * ImageSets/Main/SPLIT.txt}. Boxes are in the VOC devkit's convention: 1-based, inclusive pixel
 * coordinates, so a box covering the 0-based pixels {@code x .. x+w-1} is {@code xmin = x+1}, {@code
 * xmax = x+w} (rounded to whole pixels). Every object is {@code difficult 0}, {@code truncated 0},
 * pose {@code Unspecified}; its score is kept as an extra {@code score} element, which VOC readers
 * ignore. NAME is {@code DEVICE_FRAMEID}. Whole-frame labels are not written.
 *
 * <p>Masks of semantic segmentation models go where VOC keeps them: {@code
 * SegmentationClass/NAME.png}, an 8-bit palette image of class indexes in VOC's colour map (0 the
 * background, and every pixel no mask covers; the other mask classes from 1 in name order), listed
 * in {@code ImageSets/Segmentation/SPLIT.txt} and in {@code labelmap.txt} ({@code
 * name:r,g,b::}, as CVAT and Datumaro read it); such images say {@code <segmented>1</segmented>}.
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

  private static boolean hasMask(StoredFrame f) {
    return f.labels() != null && f.labels().detections().stream().anyMatch(d -> d.mask() != null);
  }

  /** Index 0 is the background (a mask class named background joins it), then the other mask classes in name order. */
  static List<String> segmentationClasses(Frames store) throws IOException {
    SortedSet<String> names = new TreeSet<>();
    store.forEach(f -> {
      if (f.labels() != null) {
        f.labels().detections().stream().filter(d -> d.mask() != null && MaskShapes.isObject(d))
            .forEach(d -> names.add(d.label()));
      }
    });
    List<String> out = new ArrayList<>(List.of("background"));
    out.addAll(names);
    return out;
  }

  /** VOC's colour map (the devkit's {@code labelcolormap}): the bits of the index spread over the channels. */
  static int[] color(int index) {
    int r = 0;
    int g = 0;
    int b = 0;
    int c = index;
    for (int j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    return new int[] {r, g, b};
  }

  /** The frame's masks as one palette PNG of class indexes. */
  private static void classMap(StoredFrame f, List<String> classes, Path png) throws IOException {
    int w = f.width();
    int h = f.height();
    byte[] map = new byte[w * h];
    for (Detection d : f.labels().detections()) {
      if (d.mask() == null || !MaskShapes.isObject(d)) {
        continue;
      }
      if (d.mask().width() != w || d.mask().height() != h) {
        throw new IOException("frame " + f.frameId() + " is " + w + "x" + h + " but its mask of '" + d.label() + "' is "
            + d.mask().width() + "x" + d.mask().height());
      }
      byte index = (byte) classes.indexOf(d.label());
      byte[] bits = d.mask().toRowMajor();
      for (int i = 0; i < bits.length; i++) {
        if (bits[i] != 0) {
          map[i] = index;
        }
      }
    }
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int[] c = color(i);
      r[i] = (byte) c[0];
      g[i] = (byte) c[1];
      b[i] = (byte) c[2];
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, r, g, b));
    img.getRaster().setDataElements(0, 0, w, h, map);
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("no PNG writer for " + png);
    }
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
    SortedSet<String> classes = new TreeSet<>();
    List<String> segClasses = segmentationClasses(store);
    if (segClasses.size() > 255) {
      throw new IOException("VOC class maps hold 255 classes; the masks here have " + (segClasses.size() - 1));
    }
    Map<String, List<String>> segSets = new LinkedHashMap<>();
    if (segClasses.size() > 1) {
      Files.createDirectories(out.resolve("SegmentationClass"));
      Files.createDirectories(out.resolve("ImageSets/Segmentation"));
      for (String s : List.of("train", "val", "test")) {
        segSets.put(s, new ArrayList<>());
      }
    }
    AtomicInteger images = new AtomicInteger();
    AtomicInteger objects = new AtomicInteger();
    try {
      store.forEach(f -> {
        String name = f.device() + "_" + f.frameId();
        StringBuilder x = new StringBuilder();
        x.append("<annotation>\n  <folder>JPEGImages</folder>\n  <filename>").append(name).append(f.extension()).append("</filename>\n");
        x.append("  <source><database>fieldcap</database><device>").append(Markup.escape(f.device())).append("</device><frame_id>")
            .append(f.frameId()).append("</frame_id><captured_at>").append(f.capturedAt()).append("</captured_at>");
        if (f.labels() != null && f.labels().model() != null) {
          x.append("<model>").append(Markup.escape(f.labels().modelVersion())).append("</model>");
        }
        Map<String, Object> context = Exporter.context(f);
        if (context.get("gps") instanceof Map<?, ?> gps) {
          x.append("<gps>");
          gps.forEach((k, v) -> x.append('<').append(k).append('>').append(Markup.escape(String.valueOf(v))).append("</").append(k).append('>'));
          x.append("</gps>");
        }
        if (context.get("tags") instanceof Map<?, ?> tags) {
          tags.forEach((k, v) -> x.append("<tag name=\"").append(Markup.escape(String.valueOf(k))).append("\">").append(Markup.escape(String.valueOf(v)))
              .append("</tag>"));
        }
        x.append("</source>\n");
        x.append("  <size><width>").append(f.width()).append("</width><height>").append(f.height())
            .append("</height><depth>3</depth></size>\n  <segmented>").append(hasMask(f) ? 1 : 0).append("</segmented>\n");
        if (f.labels() != null) {
          for (Detection d : MaskShapes.shapes(f.labels(), false)) { // masks: SegmentationClass, not objects
            if (d.box() == null) {
              continue;
            }
            int[] b = bndbox(d.box(), f.width(), f.height());
            classes.add(d.label());
            x.append("  <object>\n    <name>").append(Markup.escape(d.label())).append("</name>\n    <pose>Unspecified</pose>\n")
                .append("    <truncated>0</truncated>\n    <difficult>0</difficult>\n")
                .append(String.format(Locale.ROOT, "    <score>%.4f</score>%n", d.score()))
                .append("    <bndbox><xmin>").append(b[0]).append("</xmin><ymin>").append(b[1]).append("</ymin><xmax>")
                .append(b[2]).append("</xmax><ymax>").append(b[3]).append("</ymax></bndbox>\n  </object>\n");
            objects.incrementAndGet();
          }
        }
        x.append("</annotation>\n");
        try {
          Exporter.place(f.image().fetch(), out.resolve("JPEGImages").resolve(name + f.extension()), options.link());
          Files.writeString(out.resolve("Annotations").resolve(name + ".xml"), x, StandardCharsets.UTF_8);
          if (hasMask(f)) {
            classMap(f, segClasses, out.resolve("SegmentationClass").resolve(name + ".png"));
            segSets.get(splits.of(f)).add(name);
          }
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
    for (Map.Entry<String, List<String>> s : segSets.entrySet()) {
      Files.write(out.resolve("ImageSets/Segmentation").resolve(s.getKey() + ".txt"), s.getValue(), StandardCharsets.UTF_8);
    }
    if (!segSets.isEmpty()) {
      List<String> map = new ArrayList<>(List.of("# label:color_rgb:parts:actions"));
      for (int i = 0; i < segClasses.size(); i++) {
        int[] c = color(i);
        map.add(segClasses.get(i) + ":" + c[0] + "," + c[1] + "," + c[2] + "::");
      }
      Files.write(out.resolve("labelmap.txt"), map, StandardCharsets.UTF_8);
    }
    return new Result(images.get(), objects.get(), classes.size(), out);
  }
}
