package io.fieldcap.markup;

/** The one escaper for text put into HTML, SVG and XML, in element content and in quoted attributes alike. */
public final class Markup {
  private Markup() {}

  /**
   * {@code s} with {@code & < > " '} as character references, so that it can stand in element content
   * and in an attribute quoted with either quote; null as the empty string.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      String r = switch (s.charAt(i)) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(s.charAt(i));
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
