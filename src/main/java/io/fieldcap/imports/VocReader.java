package io.fieldcap.imports;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.w3c.dom.Element;

/**
 * Pascal VOC: every {@code *.xml} whose root is {@code annotation} ({@code Annotations/} in the
 * devkit's layout). {@code bndbox} is in the devkit's 1-based, inclusive pixels: x = xmin − 1,
 * width = xmax − xmin + 1. The image is {@code filename} in {@code JPEGImages/} or beside the file;
 * fieldcap's exports also name the frame under {@code source}.
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
        if (xmax < xmin || ymax < ymin) {
          errors.add("object " + i + " ('" + label + "') has xmax < xmin or ymax < ymin");
          continue;
        }
        labels.add(LabelReader.label(label, new Box(xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1), null));
      } catch (NumberFormatException | NullPointerException e) {
        errors.add("object " + i + " ('" + label + "') has a bndbox coordinate that is missing or not a number");
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
    return new Annotated(name, null, filename == null ? f.getFileName().toString() : filename, image,
        source == null ? null : Xml.text(source, "device"), source == null ? null : Xml.text(source, "frame_id"),
        size == null ? 0 : intOf(Xml.text(size, "width")), size == null ? 0 : intOf(Xml.text(size, "height")), labels, null,
        errors);
  }

  private static int intOf(String v) {
    try {
      return v == null ? 0 : (int) Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
