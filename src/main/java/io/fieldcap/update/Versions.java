package io.fieldcap.update;

/** Compares dotted version numbers ({@code 0.2.0}, {@code 0.2.0-SNAPSHOT}); a suffix is ignored. */
public final class Versions {
  private Versions() {}

  public static int compare(String a, String b) {
    String[] x = a.split("-", 2)[0].split("\\.");
    String[] y = b.split("-", 2)[0].split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(part(x, i), part(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int part(String[] p, int i) {
    try {
      return i < p.length ? Integer.parseInt(p[i]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
