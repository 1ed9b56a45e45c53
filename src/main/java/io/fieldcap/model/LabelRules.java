package io.fieldcap.model;

import java.util.List;
import java.util.Map;

/**
 * What labels and tags must be before the server keeps them, so that every export and page can write
 * them (XML 1.0, YAML, CSV and JSON alike): class names of 1 to 128 characters with no control
 * characters and no broken UTF-16; finite scores in [0, 1] and finite boxes; polygons of at most
 * {@link #MAX_POLYGON} coordinates; a mask exactly the frame's size, whose runs cover it exactly. The
 * doors (ingest, imports, the review API) ask; each problem is named with the detection it is in.
 */
public final class LabelRules {
  /** Detections one frame may carry. */
  public static final int MAX_DETECTIONS = 10_000;
  /** Coordinates (x and y each count) in one polygon. */
  public static final int MAX_POLYGON = 20_000;
  /** Characters in a class name, a tag or a model's name. */
  public static final int MAX_TEXT = 128;

  private LabelRules() {}

  /** What is wrong with {@code labels} on a frame of {@code width} x {@code height}, or null when nothing is. */
  public static String problem(LabelSet labels, int width, int height) {
    if (labels == null) {
      return null;
    }
    String p = text("labels.model", labels.model(), true);
    if (p == null) {
      p = text("labels.version", labels.version(), true);
    }
    if (p != null) {
      return p;
    }
    List<Detection> ds = labels.detections();
    if (ds.size() > MAX_DETECTIONS) {
      return "labels: " + ds.size() + " detections, more than " + MAX_DETECTIONS;
    }
    for (int i = 0; i < ds.size(); i++) {
      String q = problem(ds.get(i), width, height);
      if (q != null) {
        return "labels.detections[" + i + "]: " + q;
      }
    }
    return null;
  }

  private static String problem(Detection d, int width, int height) {
    String p = text("class", d.label(), false);
    if (p != null) {
      return p;
    }
    if (!Double.isFinite(d.score()) || d.score() < 0 || d.score() > 1) {
      return "score of '" + d.label() + "' is " + d.score() + ", not a number from 0 to 1";
    }
    Box b = d.box();
    if (b != null && (!Double.isFinite(b.x()) || !Double.isFinite(b.y()) || !Double.isFinite(b.w()) || !Double.isFinite(b.h())
        || b.w() < 0 || b.h() < 0)) {
      return "box of '" + d.label() + "' is not finite with a width and height of 0 or more: " + b;
    }
    if (d.polygon() != null) {
      if (d.polygon().size() > MAX_POLYGON) {
        return "polygon of '" + d.label() + "' has " + d.polygon().size() + " coordinates, more than " + MAX_POLYGON;
      }
      for (Double v : d.polygon()) {
        if (v == null || !Double.isFinite(v)) {
          return "polygon of '" + d.label() + "' has a coordinate that is not a finite number";
        }
      }
    }
    Rle m = d.mask();
    if (m != null) {
      if (m.width() != width || m.height() != height) {
        return "mask of '" + d.label() + "' is " + m.width() + "x" + m.height() + " on a frame of " + width + "x" + height
            + "; a mask covers the whole frame";
      }
      long covered = 0;
      try {
        for (int r : m.runs()) {
          if (r < 0) {
            return "mask of '" + d.label() + "' has a negative run";
          }
          covered += r;
        }
      } catch (RuntimeException e) {
        return "mask of '" + d.label() + "' has counts that cannot be read: " + e.getMessage();
      }
      if (covered != (long) width * height) {
        return "mask of '" + d.label() + "' has runs covering " + covered + " pixels, not the frame's " + (long) width * height;
      }
    }
    return null;
  }

  /** What is wrong with the frame's tags ({@code meta.tags}: short texts), or null. */
  public static String tagsProblem(Map<String, Object> meta) {
    if (meta == null || !(meta.get("tags") instanceof Map<?, ?> tags)) {
      return null;
    }
    for (Map.Entry<?, ?> e : tags.entrySet()) {
      String p = text("tag name", String.valueOf(e.getKey()), false);
      if (p == null) {
        p = text("tag " + e.getKey(), String.valueOf(e.getValue()), true);
      }
      if (p != null) {
        return "meta.tags: " + p;
      }
    }
    return null;
  }

  /**
   * What is wrong with a text that every format must be able to write, or null: at most {@link
   * #MAX_TEXT} characters, no control characters, no unpaired surrogates; empty only if {@code
   * mayBeEmpty} (null counts as empty).
   */
  public static String text(String what, String s, boolean mayBeEmpty) {
    if (s == null || s.isEmpty()) {
      return mayBeEmpty ? null : what + " is empty";
    }
    if (s.length() > MAX_TEXT) {
      return what + " '" + s.substring(0, 32) + "…' is " + s.length() + " characters, more than " + MAX_TEXT;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\uFFFE' || c == '\uFFFF') {
        return what + " " + printable(s) + " contains a control character (U+" + String.format("%04X", (int) c)
            + ") at " + i;
      }
      if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
          || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
        return what + " " + printable(s) + " has a broken UTF-16 surrogate at " + i;
      }
    }
    return null;
  }

  /** {@code s} quoted with its control characters shown as {@code \\uXXXX}, for a message. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) || c >= '\u2028' && c <= '\u2029') {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append("'").toString();
  }
}
