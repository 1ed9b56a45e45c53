package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.w3c.dom.Element;

/** Reads one annotation format into {@link Annotated} items. */
public interface LabelReader {
  /** The format's name on the command line. */
  String format();

  /**
   * Reads every annotation file of this format at {@code in} (a file, or a folder searched as the
   * format lays its files out). A file that cannot be parsed is reported (with {@link
   * ImportReport#problem}) and the others are read; {@link ImportReport#file()} counts each file read.
   */
  void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException;

  /** A person's label: score 1. */
  static Detection label(String name, Box box, List<Double> polygon) {
    return new Detection(name, 1.0, box, polygon);
  }

  /** The box with these two opposite corners, in whichever order they were drawn. */
  static Box corners(double x1, double y1, double x2, double y2) {
    return new Box(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
  }

  /** The box around an outline given as x1, y1, x2, y2, …. */
  static Box bounds(List<Double> polygon) {
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (int i = 0; i + 1 < polygon.size(); i += 2) {
      minX = Math.min(minX, polygon.get(i));
      maxX = Math.max(maxX, polygon.get(i));
      minY = Math.min(minY, polygon.get(i + 1));
      maxY = Math.max(maxY, polygon.get(i + 1));
    }
    return new Box(minX, minY, maxX - minX, maxY - minY);
  }

  /** The files under {@code in} (or {@code in} itself) whose names end with {@code suffix}, sorted. */
  static List<Path> files(Path in, String suffix) throws IOException {
    if (Files.isRegularFile(in)) {
      return List.of(in);
    }
    if (!Files.isDirectory(in)) {
      throw new IOException("--in: " + in + " does not exist");
    }
    try (Stream<Path> s = Files.walk(in)) {
      List<Path> out = new ArrayList<>(s.filter(p -> Files.isRegularFile(p)
          && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix)).sorted().toList());
      return out;
    }
  }

  /**
   * The file's JSON, or null when it is not valid JSON (then counted as read and reported, with the
   * parser's reason).
   */
  static JsonNode json(Path f, String name, ImportReport report) {
    try {
      return Json.MAPPER.readTree(f.toFile());
    } catch (IOException e) {
      report.file();
      report.problem(name, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  /** The file's root element, or null when it is not well-formed XML (then counted as read and reported). */
  static Element xml(Path f, String name, ImportReport report) {
    try {
      return Xml.parse(f).getDocumentElement();
    } catch (IOException e) {
      report.file();
      report.problem(name, e.getMessage());
      return null;
    }
  }

  /** A file's name relative to {@code in} for reports: short, and the same wherever the export was copied. */
  static String name(Path in, Path file) {
    return Files.isDirectory(in) ? in.relativize(file).toString() : file.getFileName().toString();
  }
}
