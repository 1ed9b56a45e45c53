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
}
