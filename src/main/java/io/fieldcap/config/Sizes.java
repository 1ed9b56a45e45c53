package io.fieldcap.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as people write them: {@code 2GiB}, {@code 500MB}, {@code 64k}, {@code 1048576}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)b?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size; expected a number of bytes with an optional unit, e.g. 512MiB, 2GiB, 500MB");
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    boolean binary = !m.group(3).isEmpty();
    int exp = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    double base = binary ? 1024 : 1000;
    double value = Double.parseDouble(m.group(1)) * Math.pow(base, exp);
    if (value > Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return (long) value;
  }

  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
