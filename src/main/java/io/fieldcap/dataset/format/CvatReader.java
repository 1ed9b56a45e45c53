package io.fieldcap.dataset.format;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * "CVAT for images 1.1" ({@code annotations.xml}): each {@code image} with its {@code box}es ({@code
 * xtl}, {@code ytl}, {@code xbr}, {@code ybr}: corners in pixels; a {@code rotation} about the centre
 * becomes the box around the turned rectangle), {@code polygon}s ({@code points} "x1,y1;x2,y2;…") and
 * {@code tag}s (whole-frame labels). A label that the file's {@code meta} does not declare is an
 * unknown class. The frame is named by the image's {@code name}.
 */
final class CvatReader implements LabelReader {
  @Override
  public String format() {
    return "cvat";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    for (Path f : LabelReader.files(in, ".xml")) {
      String name = LabelReader.name(in, f);
      Element root = LabelReader.xml(f, name, report);
      if (root == null || !root.getTagName().equals("annotations")) {
        continue; // not CVAT's
      }
      report.file();
      Set<String> declared = new HashSet<>();
      NodeList labels = root.getElementsByTagName("label");
      for (int i = 0; i < labels.getLength(); i++) {
        String n = Xml.text((Element) labels.item(i), "name");
        if (n != null) {
          declared.add(n);
        }
      }
      NodeList owners = root.getElementsByTagName("owner");
      String owner = owners.getLength() > 0 ? Xml.text((Element) owners.item(0), "username") : null;
      for (Element image : Xml.children(root, "image")) {
        out.accept(image(name, image, declared, owner));
      }
    }
  }

  private static double num(Element e, String attr) {
    String v = e.getAttribute(attr);
    return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
  }

  static Annotated image(String file, Element image, Set<String> declared, String owner) {
    String imageName = image.getAttribute("name");
    List<String> errors = new ArrayList<>();
    List<Detection> labels = new ArrayList<>();
    int i = 0;
    for (Element s : Xml.children(image, null)) {
      i++;
      String label = s.getAttribute("label");
      String what = s.getTagName() + " " + i + " ('" + label + "')";
      if (!declared.isEmpty() && !declared.contains(label)) {
        errors.add(what + ": unknown class, not among the labels in the file's meta");
        continue;
      }
      try {
        switch (s.getTagName()) {
          case "box" -> {
            double x1 = num(s, "xtl");
            double y1 = num(s, "ytl");
            double x2 = num(s, "xbr");
            double y2 = num(s, "ybr");
            if (Double.isNaN(x1 + y1 + x2 + y2)) {
              errors.add(what + " lacks one of xtl, ytl, xbr, ybr");
              continue;
            }
            String rot = s.getAttribute("rotation");
            if (!rot.isEmpty() && Double.parseDouble(rot) != 0) {
              labels.add(LabelReader.label(label, turned(x1, y1, x2, y2, Double.parseDouble(rot)), null));
            } else {
              labels.add(LabelReader.label(label, LabelReader.corners(x1, y1, x2, y2), null));
            }
          }
          case "polygon" -> {
            List<Double> xy = new ArrayList<>();
            for (String p : s.getAttribute("points").split(";")) {
              String[] c = p.split(",");
              if (c.length != 2) {
                throw new NumberFormatException("point '" + p + "' is not x,y");
              }
              xy.add(Double.parseDouble(c[0].strip()));
              xy.add(Double.parseDouble(c[1].strip()));
            }
            if (xy.size() < 6) {
              errors.add(what + " has fewer than 3 points");
              continue;
            }
            labels.add(LabelReader.label(label, LabelReader.bounds(xy), xy));
          }
          case "tag" -> labels.add(LabelReader.label(label, null, null));
          default -> errors.add(what + " is a " + s.getTagName() + ", which has no box form (fieldcap reads box, polygon and tag)");
        }
      } catch (IllegalArgumentException e) { // not a number, or NaN: a box no format can hold
        errors.add(what + " has a coordinate that is not a finite number: " + e.getMessage());
      }
    }
    return new Annotated(file, "image " + image.getAttribute("id") + " " + imageName, imageName, null, null, null,
        (int) Math.max(0, num0(image, "width")), (int) Math.max(0, num0(image, "height")), labels, owner, errors);
  }

  private static double num0(Element e, String attr) {
    double v = num(e, attr);
    return Double.isNaN(v) ? 0 : v;
  }

  /** The box around a rectangle turned {@code degrees} clockwise about its centre (CVAT's rotation). */
  static Box turned(double x1, double y1, double x2, double y2, double degrees) {
    double cx = (x1 + x2) / 2;
    double cy = (y1 + y2) / 2;
    double a = Math.toRadians(degrees);
    List<Double> pts = new ArrayList<>();
    for (double[] c : new double[][] {{x1, y1}, {x2, y1}, {x2, y2}, {x1, y2}}) {
      double dx = c[0] - cx;
      double dy = c[1] - cy;
      pts.add(cx + dx * Math.cos(a) - dy * Math.sin(a));
      pts.add(cy + dx * Math.sin(a) + dy * Math.cos(a));
    }
    return LabelReader.bounds(pts);
  }
}
