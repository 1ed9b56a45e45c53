package io.fieldcap.dataset.report;

import io.fieldcap.markup.Markup;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Bar charts as standalone SVG: no script, no fonts or styles from the network. */
public final class Svg {
  private Svg() {}

  /** Horizontal bars, one per entry, labelled with the key and the count. */
  public static String bars(String title, Map<String, ? extends Number> values) {
    int rowH = 22;
    int labelW = 220;
    int barW = 420;
    int h = 40 + rowH * Math.max(1, values.size());
    double max = values.values().stream().mapToDouble(Number::doubleValue).max().orElse(1);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"13\">%n", labelW + barW + 90, h));
    s.append("<title>").append(Markup.escape(title)).append("</title>\n");
    s.append("<text x=\"4\" y=\"20\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
    int y = 34;
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      double v = e.getValue().doubleValue();
      int w = max <= 0 ? 0 : (int) Math.round(barW * v / max);
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelW - 6, y + 14,
          Markup.escape(e.getKey())));
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7ab5\"/>", labelW, y + 2,
          Math.max(w, 1), rowH - 6));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", labelW + w + 6, y + 14,
          v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v)));
      y += rowH;
    }
    return s.append("</svg>\n").toString();
  }

  /** A histogram: bins in order, labelled below. */
  public static String histogram(String title, List<String> bins, int[] counts) {
    int w = 60 + 36 * bins.size();
    int h = 200;
    int max = 1;
    for (int c : counts) {
      max = Math.max(max, c);
    }
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"11\">%n", Math.max(w, 320), h + 50));
    s.append("<title>").append(Markup.escape(title)).append("</title>\n");
    s.append("<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
    for (int i = 0; i < bins.size(); i++) {
      int bh = (int) Math.round((h - 40) * counts[i] / (double) max);
      int x = 30 + 36 * i;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"30\" height=\"%d\" fill=\"#5b9a68\"/>", x, h - bh, bh));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>", x + 15, h - bh - 3, counts[i]));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x + 15, h + 16,
          Markup.escape(bins.get(i))));
    }
    return s.append("</svg>\n").toString();
  }

  private static final String[] COLOURS = {"#4a7ab5", "#d4703a", "#5b9a68", "#a55aa5", "#b5a03a", "#3aa5a5", "#b53a4a", "#666666"};

  /**
   * Curves on the unit square (precision over recall, say): one polyline per series, {@code y} values at
   * {@code x}; values below 0 (no data) are left out. A legend names each series.
   */
  public static String curves(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
    int w = 460;
    int h = 300;
    int left = 50;
    int top = 30;
    int pw = 300;
    int ph = 220;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"11\">%n", w, h + 20));
    s.append("<title>").append(Markup.escape(title)).append("</title>\n");
    s.append("<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
        left, top, pw, ph));
    for (int t = 0; t <= 4; t++) {
      double v = t / 4.0;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.2f</text>", left - 4,
          top + ph - (int) Math.round(v * ph) + 4, v));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n",
          left + (int) Math.round(v * pw), top + ph + 14, v));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", left + pw / 2, top + ph + 30,
        Markup.escape(xLabel)));
    s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>%n",
        top + ph / 2, top + ph / 2, Markup.escape(yLabel)));
    int k = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder pts = new StringBuilder();
      double[] y = e.getValue();
      for (int i = 0; i < x.length && i < y.length; i++) {
        if (y[i] >= 0) {
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + x[i] * pw, top + ph - y[i] * ph));
        }
      }
      s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
          pts.toString().strip(), colour));
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", left + pw + 12, top + 14 * k, colour, left + pw + 26, top + 14 * k + 9,
          Markup.escape(e.getKey())));
      k++;
    }
    return s.append("</svg>\n").toString();
  }

  /** A matrix of counts as a heat map: rows and columns named, each cell shaded by its share of its row. */
  public static String matrix(String title, String rowsLabel, String columnsLabel, List<String> names, long[][] m) {
    int cell = 34;
    int label = 110;
    int n = names.size();
    int w = label + cell * n + 20;
    int h = label + cell * n + 30;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"11\">%n", Math.max(w, 300), h));
    s.append("<title>").append(Markup.escape(title)).append("</title>\n");
    s.append("<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">").append(Markup.escape(title)).append("</text>\n");
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"34\">%s &#8594;</text>%n", label, Markup.escape(columnsLabel)));
    s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s &#8595;</text>%n", label - 4, Markup.escape(rowsLabel)));
    for (int j = 0; j < n; j++) {
      int x = label + cell * j + cell / 2;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-45 %d %d)\">%s</text>%n", x, label - 8, x,
          label - 8, Markup.escape(names.get(j))));
    }
    for (int i = 0; i < n; i++) {
      long row = 0;
      for (long v : m[i]) {
        row += v;
      }
      int y = label + cell * i;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", label - 6, y + cell / 2 + 4,
          Markup.escape(names.get(i))));
      for (int j = 0; j < n; j++) {
        double share = row == 0 ? 0 : (double) m[i][j] / row;
        int shade = 255 - (int) Math.round(share * 180);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
            + "stroke=\"#fff\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>", label + cell * j, y, cell, cell, shade,
            shade, label + cell * j + cell / 2, y + cell / 2 + 4, m[i][j]));
      }
      s.append('\n');
    }
    return s.append("</svg>\n").toString();
  }
}
