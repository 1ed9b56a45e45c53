package io.fieldcap.model;

import java.util.Objects;

/**
 * One pre-label: a class with its score, and a box for detectors (none for whole-frame classifiers).
 *
 * @param label the class name
 * @param score confidence in 0..1
 * @param box the box in pixels of the original frame, or {@code null} for a whole-frame label
 */
public record Detection(String label, double score, Box box) {
  public Detection {
    Objects.requireNonNull(label, "label");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in 0..1, was " + score);
    }
  }
}
