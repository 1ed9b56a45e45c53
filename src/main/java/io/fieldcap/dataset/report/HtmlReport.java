package io.fieldcap.dataset.report;

import io.fieldcap.dataset.Splits;
import io.fieldcap.dataset.clean.LabelCheck;
import io.fieldcap.markup.Markup;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Marks;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code fieldcap report --out REPORT}: a self-contained folder ({@code index.html}, SVG charts, PNG
 * contact sheets; nothing fetched from the network to view it): frames per device per day, classes per
 * split, pre-label scores per class, box sizes, and contact sheets for each class, each duplicate
 * group {@code clean} found and each kind of label problem {@code check labels} finds.
 */
public final class HtmlReport {
  /** Thumbnails per contact sheet. */
  static final int PER_SHEET = 12;

  /** What the report shows, for the command's summary line. */
  public record Result(int frames, int classes, int sheets, int duplicateGroups, int problems, Path index) {}

  private final LocalFrameStore store;
  private final Splits splits;
  private final PrintWriter progress;

  public HtmlReport(LocalFrameStore store, Splits splits, PrintWriter progress) {
    this.store = store;
    this.splits = splits;
    this.progress = progress;
  }

  private static final String[] SIZE_BINS = {"<16", "16-32", "32-64", "64-128", "128-256", "256-512", ">=512"};

  private static int sizeBin(double side) {
    int b = 0;
    for (double edge = 16; b < SIZE_BINS.length - 1 && side >= edge; edge *= 2) {
      b++;
    }
    return b;
  }

  public Result write(Frames frames, Path out, String title) throws IOException {
    Files.createDirectories(out);
    Map<String, Map<String, Integer>> perDeviceDay = new TreeMap<>();
    Map<String, Map<String, Integer>> classPerSplit = new TreeMap<>();
    Map<String, int[]> scores = new TreeMap<>();
    Map<String, int[]> sizes = new TreeMap<>();
    int[] allSizes = new int[SIZE_BINS.length];
    Map<String, List<Sheet.Tile>> examples = new TreeMap<>();
    Map<String, Integer> seen = new TreeMap<>();
    int[] n = {0};
    long[] last = {System.nanoTime()};
    frames.forEach(f -> {
      n[0]++;
      perDeviceDay.computeIfAbsent(f.device(), k -> new TreeMap<>())
          .merge(f.capturedAt().atOffset(ZoneOffset.UTC).toLocalDate().toString(), 1, Integer::sum);
      String split = splits == null ? (f.split() == null ? "all" : f.split()) : splits.of(f);
      List<Detection> labels = f.labels() == null ? List.of() : f.labels().detections();
      for (Detection d : labels) {
        classPerSplit.computeIfAbsent(split, k -> new TreeMap<>()).merge(d.label(), 1, Integer::sum);
        if (f.revision() == 0) {
          scores.computeIfAbsent(d.label(), k -> new int[10])[Math.min(9, (int) (d.score() * 10))]++;
        }
        if (d.box() != null) {
          int b = sizeBin(Math.sqrt(d.box().w() * d.box().h()));
          sizes.computeIfAbsent(d.label(), k -> new int[SIZE_BINS.length])[b]++;
          allSizes[b]++;
        }
      }
      for (String c : labels.stream().map(Detection::label).distinct().toList()) {
        // every k-th frame of the class, k doubling as the sheet fills: a spread, not the first twelve
        int count = seen.merge(c, 1, Integer::sum);
        List<Sheet.Tile> tiles = examples.computeIfAbsent(c, k -> new ArrayList<>());
        if (tiles.size() < PER_SHEET || Integer.bitCount(count) == 1) {
          Sheet.Tile t = new Sheet.Tile(f.image(), labels, f.device() + " " + f.capturedAt(), c);
          if (tiles.size() < PER_SHEET) {
            tiles.add(t);
          } else {
            tiles.set(Integer.numberOfTrailingZeros(count) % PER_SHEET, t);
          }
        }
      }
      if (progress != null && System.nanoTime() - last[0] > 2_000_000_000L) {
        progress.printf("report: %d frames read%n", n[0]);
        progress.flush();
        last[0] = System.nanoTime();
      }
    });

    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Markup.escape(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1100px}img{max-width:100%;display:block;"
            + "margin:8px 0}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
            + "th:first-child,td:first-child{text-align:left}h2{margin-top:36px}.note{color:#555}</style></head><body>\n");
    html.append("<h1>").append(Markup.escape(title)).append("</h1>\n<p id=\"summary\">").append(n[0]).append(" frames, ")
        .append(classPerSplit.values().stream().flatMap(m -> m.keySet().stream()).distinct().count()).append(" classes</p>\n");

    html.append("<h2 id=\"devices\">Frames per device per day</h2>\n<table><tr><th>device</th><th>day</th><th>frames</th></tr>\n");
    perDeviceDay.forEach((dev, days) -> days.forEach((day, c) -> html.append("<tr><td>").append(Markup.escape(dev)).append("</td><td>")
        .append(day).append("</td><td>").append(c).append("</td></tr>\n")));
    html.append("</table>\n");
    Map<String, Integer> flat = new LinkedHashMap<>();
    perDeviceDay.forEach((dev, days) -> days.forEach((day, c) -> flat.put(dev + " " + day, c)));
    svg(out, "frames-per-device-day.svg", Svg.bars("Frames per device per day", flat), html);

    html.append("<h2 id=\"classes\">Classes per split</h2>\n");
    for (Map.Entry<String, Map<String, Integer>> e : classPerSplit.entrySet()) {
      svg(out, "classes-" + safe(e.getKey()) + ".svg", Svg.bars("Labels per class, split " + e.getKey(), e.getValue()), html);
    }

    html.append("<h2 id=\"scores\">Pre-label scores per class</h2>\n");
    if (scores.isEmpty()) {
      html.append("<p class=\"note\">No pre-labels in this selection.</p>\n");
    }
    List<String> scoreBins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      scoreBins.add(String.format(Locale.ROOT, "%.1f", i / 10.0));
    }
    for (Map.Entry<String, int[]> e : scores.entrySet()) {
      svg(out, "scores-" + safe(e.getKey()) + ".svg", Svg.histogram("Pre-label scores: " + e.getKey(), scoreBins, e.getValue()), html);
    }

    html.append("<h2 id=\"sizes\">Box sizes (square root of the area, pixels)</h2>\n");
    svg(out, "box-sizes.svg", Svg.histogram("Box sizes, all classes", List.of(SIZE_BINS), allSizes), html);
    html.append("<table><tr><th>class</th>");
    for (String b : SIZE_BINS) {
      html.append("<th>").append(Markup.escape(b)).append("</th>");
    }
    html.append("</tr>\n");
    sizes.forEach((c, bins) -> {
      html.append("<tr><td>").append(Markup.escape(c)).append("</td>");
      for (int v : bins) {
        html.append("<td>").append(v).append("</td>");
      }
      html.append("</tr>\n");
    });
    html.append("</table>\n");

    int sheets = 0;
    html.append("<h2 id=\"examples\">Examples per class</h2>\n");
    for (Map.Entry<String, List<Sheet.Tile>> e : examples.entrySet()) {
      sheets += sheet(out, "class-" + safe(e.getKey()) + ".png", e.getValue(), "Class " + e.getKey() + " (" + seen.get(e.getKey())
          + " frames)", html);
    }

    html.append("<h2 id=\"duplicates\">Near-duplicate groups (fieldcap clean)</h2>\n");
    Map<String, List<Marks.Mark>> groups = new TreeMap<>();
    for (Marks.Mark m : store.marks().marks()) {
      if (m.kind().equals("duplicate")) {
        groups.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(m);
      }
    }
    if (groups.isEmpty()) {
      html.append("<p class=\"note\">None marked (run fieldcap clean).</p>\n");
    }
    int g = 0;
    for (Map.Entry<String, List<Marks.Mark>> e : groups.entrySet()) {
      List<Sheet.Tile> tiles = new ArrayList<>();
      tile(e.getKey(), "kept", tiles);
      for (Marks.Mark m : e.getValue()) {
        if (tiles.size() < PER_SHEET) {
          tile(m.device() + "/" + m.frameId(), "marked", tiles);
        }
      }
      g++;
      if (g <= 50) {
        sheets += sheet(out, "duplicates-" + g + ".png", tiles, "Group " + g + ": kept " + e.getKey() + ", "
            + e.getValue().size() + " marked", html);
      }
    }
    if (g > 50) {
      html.append("<p class=\"note\">").append(g - 50).append(" more groups: fieldcap clean --list</p>\n");
    }

    html.append("<h2 id=\"problems\">Label problems (fieldcap check labels)</h2>\n");
    LabelCheck.Result check = new LabelCheck(10, null).run(frames, null);
    if (check.problems().isEmpty()) {
      html.append("<p class=\"note\">None found.</p>\n");
    }
    Map<String, List<LabelCheck.Problem>> byKind = new TreeMap<>();
    check.problems().forEach(p -> byKind.computeIfAbsent(p.kind(), k -> new ArrayList<>()).add(p));
    for (Map.Entry<String, List<LabelCheck.Problem>> e : byKind.entrySet()) {
      html.append("<h3>").append(Markup.escape(e.getKey())).append(" (").append(e.getValue().size()).append(")</h3>\n<ul>\n");
      List<Sheet.Tile> tiles = new ArrayList<>();
      for (LabelCheck.Problem p : e.getValue()) {
        if (tiles.size() < PER_SHEET) {
          html.append("<li>").append(Markup.escape(p.frame())).append(" ").append(Markup.escape(p.label())).append(": ")
              .append(Markup.escape(p.reason())).append("</li>\n");
          if (!p.frame().equals("-")) {
            tile(p.frame(), p.label(), tiles);
          }
        }
      }
      html.append("</ul>\n");
      if (!tiles.isEmpty()) {
        sheets += sheet(out, "problems-" + safe(e.getKey()) + ".png", tiles, e.getKey(), html);
      }
    }
    html.append("</body></html>\n");
    Path index = out.resolve("index.html");
    Files.writeString(index, html, StandardCharsets.UTF_8);
    return new Result(n[0], (int) classPerSplit.values().stream().flatMap(m -> m.keySet().stream()).distinct().count(), sheets,
        groups.size(), check.problems().size(), index);
  }

  /** A tile of a stored frame, captioned; the label named by {@code highlight} drawn thicker. */
  private void tile(String key, String highlight, List<Sheet.Tile> tiles) throws IOException {
    int slash = key.indexOf('/');
    StoredFrame f = store.frame(key.substring(0, slash), key.substring(slash + 1));
    if (f != null) {
      List<Detection> labels = f.reviewed() != null ? f.reviewed().detections() : f.labels() == null ? List.of() : f.labels().detections();
      tiles.add(new Sheet.Tile(f.image(), labels, highlight + " " + key, highlight));
    }
  }

  private int sheet(Path out, String name, List<Sheet.Tile> tiles, String caption, StringBuilder html) {
    if (progress != null) {
      progress.printf("report: drawing %s%n", name);
      progress.flush();
    }
    Sheet.write(tiles, out.resolve(name));
    html.append("<figure><img src=\"").append(name).append("\" alt=\"").append(Markup.escape(caption)).append("\"><figcaption>")
        .append(Markup.escape(caption)).append("</figcaption></figure>\n");
    return 1;
  }

  private static void svg(Path out, String name, String svg, StringBuilder html) throws IOException {
    Files.writeString(out.resolve(name), svg, StandardCharsets.UTF_8);
    html.append("<img src=\"").append(name).append("\" alt=\"").append(Markup.escape(name)).append("\">\n");
  }

  /** A file-name-safe form of a class or split name. */
  static String safe(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return t.isEmpty() ? "_" : t + (t.equals(s) ? "" : "-" + Integer.toHexString(s.hashCode()));
  }
}
