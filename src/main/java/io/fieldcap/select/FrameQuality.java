package io.fieldcap.select;

import io.fieldcap.image.Measure;

/**
 * What a frame looks like to the quality filters, measured once by {@link Measure} on a grey copy of
 * at most 640 px on its long side.
 *
 * @param sharpness variance of the Laplacian divided by (variance of the grey levels + 1): independent
 *     of brightness and contrast, so a dim scene in focus measures like a bright one
 * @param brightness mean grey level, 0-255
 * @param hash a 256-bit difference hash: for each of 16 rows of a 17x16 grey thumbnail, whether each
 *     cell is brighter than its right neighbour
 */
public record FrameQuality(double sharpness, double brightness, long[] hash) {
  /** Measures packed BGR bytes of a {@code width x height} frame (allocates; see {@link Meter} for a loop). */
  public static FrameQuality measure(int width, int height, byte[] bgr) {
    try (Meter m = new Meter()) {
      return m.measure(width, height, bgr);
    }
  }

  /** Measures frame after frame with one {@link Measure} (its native buffers kept): one per thread. */
  public static final class Meter implements AutoCloseable {
    private final Measure measure = new Measure(false);

    public FrameQuality measure(int width, int height, byte[] bgr) {
      Measure.Result r = measure.bgr(width, height, bgr);
      return new FrameQuality(r.sharpness(), r.brightness(), r.hash());
    }

    @Override
    public void close() {
      measure.close();
    }
  }

  /** Bits in which two hashes differ, 0-256. */
  public static int distance(long[] a, long[] b) {
    int d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Long.bitCount(a[i] ^ b[i]);
    }
    return d;
  }
}
