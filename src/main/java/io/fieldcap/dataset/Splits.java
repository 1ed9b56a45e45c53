package io.fieldcap.dataset;

import io.fieldcap.store.StoredFrame;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assigns frames to dataset splits (train, val, test), deterministically and grouped: all frames of
 * one device within one time window (the group) go to the same split, so near-identical frames never
 * straddle two splits and leak between training and evaluation. The split is decided by a hash of the
 * seed and the group key, not by a frame's position in the export, so a frame's split never changes
 * when more frames arrive or labels are corrected.
 *
 * @param fractions split name to fraction, in order, summing to 1
 * @param seed changes every assignment at once
 * @param window the length of a group: frames of one device whose capture times fall in one window
 */
public record Splits(Map<String, Double> fractions, long seed, Duration window) {
  /** Everything in {@code train}: for formats that need a split folder when none was asked for. */
  public static final Splits ALL_TRAIN = new Splits(Map.of("train", 1.0), 0, Duration.ofMinutes(10));

  public Splits {
    fractions = Collections.unmodifiableMap(new LinkedHashMap<>(fractions));
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("--group-window must be positive, was " + window);
    }
  }

  /**
   * Parses {@code train=0.8,val=0.1,test=0.1}: names from {@code train}, {@code val}, {@code test};
   * fractions in 0..1 summing to 1 (within 0.001).
   */
  public static Splits parse(String spec, long seed, Duration window) {
    Map<String, Double> f = new LinkedHashMap<>();
    double sum = 0;
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2 || !List.of("train", "val", "test").contains(kv[0].trim().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("--split '" + spec + "': '" + part.trim()
            + "' is not NAME=FRACTION with NAME train, val or test (e.g. train=0.8,val=0.1,test=0.1)");
      }
      double v;
      try {
        v = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--split '" + spec + "': '" + kv[1].trim() + "' is not a number");
      }
      if (v < 0 || v > 1 || f.put(kv[0].trim().toLowerCase(Locale.ROOT), v) != null) {
        throw new IllegalArgumentException("--split '" + spec + "': each split once, with a fraction from 0 to 1");
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > 0.001) {
      throw new IllegalArgumentException("--split '" + spec + "': the fractions add up to " + sum + ", not 1");
    }
    return new Splits(f, seed, window);
  }

  /** The split names, in order. */
  public List<String> names() {
    return new ArrayList<>(fractions.keySet());
  }

  /** The group of a frame: its device and the window its capture time falls in. */
  public String group(StoredFrame f) {
    return f.device() + "/" + Math.floorDiv(f.capturedAt().toEpochMilli(), window.toMillis());
  }

  /**
   * The split of a frame: the one a frozen dataset recorded for it, else where the hash of (seed,
   * group) falls among the cumulative fractions.
   */
  public String of(StoredFrame f) {
    if (f.split() != null) {
      return f.split();
    }
    double u = unit(seed + "/" + group(f));
    double acc = 0;
    String last = null;
    for (Map.Entry<String, Double> e : fractions.entrySet()) {
      acc += e.getValue();
      last = e.getKey();
      if (u < acc) {
        return e.getKey();
      }
    }
    return last;
  }

  /** A uniform number in [0, 1) from the first 53 bits of SHA-256(key). */
  private static double unit(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = bits << 8 | (h[i] & 0xff);
      }
      return (bits >>> 11) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
