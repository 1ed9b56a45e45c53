package io.fieldcap.select;

import io.fieldcap.image.OpenCv;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * What a frame looks like, measured once on a grey copy of at most 640 px on its long side.
 *
 * @param sharpness variance of the Laplacian divided by (variance of the grey levels + 1): independent
 *     of brightness and contrast, so a dim scene in focus measures like a bright one
 * @param brightness mean grey level, 0-255
 * @param hash a 256-bit difference hash: for each of 16 rows of a 17x16 grey thumbnail, whether each
 *     cell is brighter than its right neighbour
 */
public record FrameQuality(double sharpness, double brightness, long[] hash) {
  static {
    OpenCv.load();
  }

  private static final int SIDE = 640;

  /** Measures packed BGR bytes of a {@code width x height} frame (allocates; see {@link Meter} for a loop). */
  public static FrameQuality measure(int width, int height, byte[] bgr) {
    try (Meter m = new Meter()) {
      return m.measure(width, height, bgr);
    }
  }

  /**
   * Measures frame after frame in native buffers it keeps, so a steady stream of frames allocates
   * no native memory per frame. One per thread.
   */
  public static final class Meter implements AutoCloseable {
    static {
      OpenCv.load(); // before the fields: a nested class is initialised on its own
    }

    private final Mat color = new Mat();
    private final Mat grey = new Mat();
    private final Mat small = new Mat();
    private final Mat lap = new Mat();
    private final Mat thumb = new Mat();
    private final MatOfDouble mean = new MatOfDouble();
    private final MatOfDouble std = new MatOfDouble();
    private final byte[] px = new byte[17 * 16];

    public FrameQuality measure(int width, int height, byte[] bgr) {
      color.create(height, width, CvType.CV_8UC3);
      color.put(0, 0, bgr);
      Imgproc.cvtColor(color, grey, Imgproc.COLOR_BGR2GRAY);
      double scale = (double) SIDE / Math.max(width, height);
      Mat g = grey;
      if (scale < 1) {
        Imgproc.resize(grey, small, new Size(), scale, scale, Imgproc.INTER_AREA);
        g = small;
      }
      Imgproc.Laplacian(g, lap, CvType.CV_16S);
      Core.meanStdDev(lap, mean, std);
      double lapVar = sq(std.get(0, 0)[0]);
      Core.meanStdDev(g, mean, std);
      double greyVar = sq(std.get(0, 0)[0]);
      double brightness = mean.get(0, 0)[0];
      Imgproc.resize(g, thumb, new Size(17, 16), 0, 0, Imgproc.INTER_AREA);
      thumb.get(0, 0, px);
      long[] hash = new long[4];
      int bit = 0;
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          if ((px[y * 17 + x] & 0xff) > (px[y * 17 + x + 1] & 0xff)) {
            hash[bit >> 6] |= 1L << (bit & 63);
          }
          bit++;
        }
      }
      return new FrameQuality(lapVar / (greyVar + 1), brightness, hash);
    }

    @Override
    public void close() {
      color.release();
      grey.release();
      small.release();
      lap.release();
      thumb.release();
      mean.release();
      std.release();
    }
  }

  private static double sq(double v) {
    return v * v;
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
