package io.fieldcap.dataset.format;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.w3c.dom.Element;

/**
 * Pascal VOC: every {@code *.xml} whose root is {@code annotation} ({@code Annotations/} in the
 * devkit's layout). {@code bndbox} is in the devkit's 1-based, inclusive pixels: x = xmin − 1,
 * width = xmax − xmin + 1. The image is {@code filename} in {@code JPEGImages/} or beside the file;
 * fieldcap's exports also name the frame under {@code source}. An annotation with {@code
 * <segmented>1</segmented>} has its class map in {@code SegmentationClass/NAME.png} beside {@code
 * Annotations/}: an 8-bit palette image of class indexes (0 background, 255 void, both no class),
 * named by {@code labelmap.txt} ({@code name:r,g,b::} lines, as CVAT and Datumaro write it) or, without
 * one, by VOC's 21 classes; each class present comes in as a mask.
 */
final class VocReader implements LabelReader {
  @Override
  public String format() {
    return "voc";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    for (Path f : LabelReader.files(in, ".xml")) {
      String name = LabelReader.name(in, f);
      Element root = LabelReader.xml(f, name, report);
      if (root == null || !root.getTagName().equals("annotation")) {
        continue;
      }
      report.file();
      out.accept(parse(f, name, root));
    }
  }

  static Annotated parse(Path f, String name, Element root) {
    List<String> errors = new ArrayList<>();
    List<Detection> labels = new ArrayList<>();
    int i = 0;
    for (Element o : Xml.children(root, "object")) {
      i++;
      String label = Xml.text(o, "name");
      Element b = Xml.child(o, "bndbox");
      if (label == null || label.isEmpty() || b == null) {
        errors.add("object " + i + " has no name or no bndbox");
        continue;
      }
      try {
        double xmin = Double.parseDouble(Xml.text(b, "xmin"));
        double ymin = Double.parseDouble(Xml.text(b, "ymin"));
        double xmax = Double.parseDouble(Xml.text(b, "xmax"));
        double ymax = Double.parseDouble(Xml.text(b, "ymax"));
        if (!Double.isFinite(xmin) || !Double.isFinite(ymin) || !Double.isFinite(xmax) || !Double.isFinite(ymax)) {
          throw new NumberFormatException("not finite");
        }
        if (xmax < xmin || ymax < ymin) {
          errors.add("object " + i + " ('" + label + "') has xmax < xmin or ymax < ymin");
          continue;
        }
        labels.add(LabelReader.label(label, new Box(xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1), null));
      } catch (NumberFormatException | NullPointerException e) {
        errors.add("object " + i + " ('" + label + "') has a bndbox coordinate that is missing or not a finite number");
      }
    }
    String filename = Xml.text(root, "filename");
    Path image = null;
    if (filename != null) {
      for (Path p : List.of(f.getParent().resolveSibling("JPEGImages").resolve(filename), f.resolveSibling(filename))) {
        if (Files.isRegularFile(p)) {
          image = p;
          break;
        }
      }
    }
    Element size = Xml.child(root, "size");
    Element source = Xml.child(root, "source");
    if ("1".equals(Xml.text(root, "segmented"))) {
      classMap(f, errors, labels);
    }
    return new Annotated(name, null, filename == null ? f.getFileName().toString() : filename, image,
        source == null ? null : Xml.text(source, "device"), source == null ? null : Xml.text(source, "frame_id"),
        size == null ? 0 : intOf(Xml.text(size, "width")), size == null ? 0 : intOf(Xml.text(size, "height")), labels, null,
        errors);
  }

  /** VOC 2012's classes, by index, for class maps without a labelmap.txt. */
  static final List<String> VOC_CLASSES = List.of("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus",
      "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
      "train", "tvmonitor");

  private static void classMap(Path annotation, List<String> errors, List<Detection> labels) {
    String stem = annotation.getFileName().toString().replaceFirst("\\.xml$", "");
    Path png = annotation.getParent().resolveSibling("SegmentationClass").resolve(stem + ".png");
    if (!Files.isRegularFile(png)) {
      errors.add("segmented is 1 but its class map SegmentationClass/" + stem + ".png is missing");
      return;
    }
    List<String> names = VOC_CLASSES;
    Path labelmap = annotation.getParent().resolveSibling("labelmap.txt");
    try {
      if (Files.isRegularFile(labelmap)) {
        names = Files.readAllLines(labelmap).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
            .map(l -> l.split(":", 2)[0]).toList();
      }
      BufferedImage img = ImageIO.read(png.toFile());
      if (img == null || !(img.getColorModel() instanceof IndexColorModel)) {
        errors.add("SegmentationClass/" + stem + ".png is not a palette image of class indexes");
        return;
      }
      int w = img.getWidth();
      int h = img.getHeight();
      int[] idx = img.getRaster().getPixels(0, 0, w, h, (int[]) null);
      Map<Integer, byte[]> masks = new TreeMap<>();
      for (int i = 0; i < idx.length; i++) {
        int k = idx[i];
        if (k != 0 && k != 255) {
          masks.computeIfAbsent(k, x -> new byte[w * h])[i] = 1;
        }
      }
      for (Map.Entry<Integer, byte[]> e : masks.entrySet()) {
        if (e.getKey() >= names.size()) {
          errors.add("SegmentationClass/" + stem + ".png has class index " + e.getKey() + ", which the "
              + (Files.isRegularFile(labelmap) ? "labelmap.txt" : "VOC class list") + " does not name");
          continue;
        }
        Rle mask = Rle.fromRowMajor(h, w, e.getValue());
        labels.add(new Detection(names.get(e.getKey()), 1.0, mask.box(), null, mask));
      }
    } catch (IOException e) {
      errors.add("SegmentationClass/" + stem + ".png cannot be read: " + e.getMessage());
    }
  }

  private static int intOf(String v) {
    try {
      return v == null ? 0 : (int) Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
