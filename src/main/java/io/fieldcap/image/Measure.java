package io.fieldcap.image;

import java.util.HexFormat;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The one measure of what an image looks like, shared by the agent's quality filters and the
 * server's cleaning: on a grey copy scaled to {@value #SIDE} px on its long side, the sharpness
 * (variance of the Laplacian over the variance of the grey levels + 1: independent of brightness and
 * contrast, so a dim scene in focus measures like a bright one), the mean grey level, the contrast
 * (standard deviation of the grey levels) and a 256-bit difference hash (for each of 16 rows of a
 * 17x16 grey thumbnail, whether each cell is brighter than its right neighbour). It keeps its native
 * buffers, so that measuring frame after frame allocates no native memory per frame: one per thread.
 */
public final class Measure implements AutoCloseable {
  static {
    OpenCv.load();
  }

  /** The long side measured on. */
  public static final int SIDE = 640;

  /** What was measured; {@code hash} is 256 bits, bit {@code i} in {@code hash[i / 64]} at {@code i % 64}. */
  public record Result(double sharpness, double brightness, double contrast, long[] hash) {
    /** The hash as 64 hex digits, byte {@code i} holding bits {@code 8i..8i+7}. */
    public String hexHash() {
      byte[] b = new byte[32];
      for (int i = 0; i < 32; i++) {
        b[i] = (byte) (hash[i >> 3] >>> ((i & 7) * 8));
      }
      return HexFormat.of().formatHex(b);
    }
  }

  private final boolean upscale;
  private final Mat color = new Mat();
  private final Mat grey = new Mat();
  private final Mat small = new Mat();
  private final Mat lap = new Mat();
  private final Mat thumb = new Mat();
  private final MatOfDouble mean = new MatOfDouble();
  private final MatOfDouble std = new MatOfDouble();
  private final byte[] px = new byte[17 * 16];

  /**
   * {@code upscale}: smaller images are scaled up to {@value #SIDE} too (the server, so that a
   * low-resolution copy of a scene measures blurrier than the full one); without it only larger
   * images are scaled down (the agent, measuring its own frames at their own size).
   */
  public Measure(boolean upscale) {
    this.upscale = upscale;
  }

  /** Measures packed BGR bytes of a {@code width x height} frame. */
  public Result bgr(int width, int height, byte[] bgr) {
    color.create(height, width, CvType.CV_8UC3);
    color.put(0, 0, bgr);
    Imgproc.cvtColor(color, grey, Imgproc.COLOR_BGR2GRAY);
    return grey(grey);
  }

  /** Measures a grey image (CV_8UC1). */
  public Result grey(Mat g) {
    double scale = (double) SIDE / Math.max(g.cols(), g.rows());
    Mat m = g;
    if (scale < 1 || upscale && scale > 1) {
      Imgproc.resize(g, small, new Size(), scale, scale, scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
      m = small;
    }
    Imgproc.Laplacian(m, lap, CvType.CV_16S);
    Core.meanStdDev(lap, mean, std);
    double lapVar = sq(std.get(0, 0)[0]);
    Core.meanStdDev(m, mean, std);
    double contrast = std.get(0, 0)[0];
    double brightness = mean.get(0, 0)[0];
    Imgproc.resize(m, thumb, new Size(17, 16), 0, 0, Imgproc.INTER_AREA);
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
    return new Result(lapVar / (sq(contrast) + 1), brightness, contrast, hash);
  }

  private static double sq(double v) {
    return v * v;
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
