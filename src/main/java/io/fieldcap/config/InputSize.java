package io.fieldcap.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A model input size written {@code WIDTHxHEIGHT} ({@code model.input-size}, {@code label --input-size}). */
public final class InputSize {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");
  /** No model runs on a side under 8 pixels or over 8192. */
  static final int MIN = 8;
  static final int MAX = 8192;

  private InputSize() {}

  /** {@code {width, height}}, or null when {@code s} is not a size of 8..8192 pixels a side. */
  public static int[] parse(String s) {
    Matcher m = SIZE.matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    int w = Integer.parseInt(m.group(1));
    int h = Integer.parseInt(m.group(2));
    return w < MIN || h < MIN || w > MAX || h > MAX ? null : new int[] {w, h};
  }
}
