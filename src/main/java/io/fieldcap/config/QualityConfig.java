package io.fieldcap.config;

import java.time.Duration;

/**
 * Quality and duplicate filters, applied before a frame reaches the spool. On by default.
 *
 * @param blurMin the least sharpness a frame may have: the variance of its Laplacian divided by the
 *     variance of its intensity (grey levels, at most 640 px on the long side). Dividing by the
 *     intensity variance makes the measure independent of brightness and contrast, so dim or foggy
 *     scenes that are in focus pass. In-focus frames of real footage measure 0.015 (a dark restaurant)
 *     to 2.7 (fur); a Gaussian blur of sigma 4 px brings every sample below 0.0026. 0 turns it off
 * @param darkBelow frames whose mean grey level (0-255) is below this are too dark; 0 turns it off
 * @param brightAbove frames whose mean grey level is above this are washed out; 255 turns it off
 * @param duplicates whether near-duplicates are dropped
 * @param duplicateDistance the most bits (of a 256-bit difference hash) by which a frame may differ
 *     from a recently kept one and still count as its duplicate. A re-encoded copy differs by 0-1;
 *     people walking across a street scene half a second apart, by 7-18
 * @param duplicateWindow how long a kept frame is remembered for comparison
 */
public record QualityConfig(
    double blurMin, double darkBelow, double brightAbove, boolean duplicates, int duplicateDistance,
    Duration duplicateWindow) {

  /** The defaults, as with no {@code quality} section. */
  public static QualityConfig defaults() {
    return new QualityConfig(0.005, 10, 245, true, 5, Duration.ofMinutes(10));
  }
}
