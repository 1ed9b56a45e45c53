package io.fieldcap.markup;

/** The one escaper for text put into HTML, SVG and XML, in element content and in quoted attributes alike. */
public final class Markup {
  private Markup() {}

  /**
   * {@code s} with {@code & < > " '} as character references, so that it can stand in element content
   * and in an attribute quoted with either quote; null as the empty string. Characters XML 1.0 does not
   * allow at all (control characters but tab, newline and return; unpaired surrogates; U+FFFE, U+FFFF)
   * become U+FFFD: the doors refuse such text ({@code model.LabelRules}), and what came in before
   * cannot make a file invalid.
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
        default -> allowed(s, i) ? null : "\uFFFD";
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

  /** Whether the character at {@code i} may stand in an XML 1.0 document. */
  private static boolean allowed(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x20) {
      return c == '\t' || c == '\n' || c == '\r';
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
    return c != 0xFFFE && c != 0xFFFF;
  }
}
