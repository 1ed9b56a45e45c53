package io.fieldcap.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * What a stored image looks like, as the server measures it (never trusted from a device): a
 * perceptual hash to find near-duplicates across devices and time, sharpness to keep the best of a
 * group, and what makes a frame broken.
 *
 * @param hash the 256-bit difference hash of the agent's duplicate filter: for each of 16 rows of a
 *     17x16 grey thumbnail, whether each cell is brighter than its right neighbour; as 64 hex digits
 * @param sharpness variance of the Laplacian over (variance of the grey levels + 1), on a grey copy
 *     scaled to 640 px on its long side (smaller images scaled up, so that a low-resolution copy of a
 *     scene measures blurrier than the full one): comparable between frames of different brightness and size
 * @param brightness mean grey level, 0-255
 * @param contrast standard deviation of the grey levels: near 0 for a uniform frame
 * @param problem why the image is broken (cannot be decoded, truncated, uniform), or null
 */
public record Look(String hash, double sharpness, double brightness, double contrast, String problem) {
  static {
    OpenCv.load();
  }

  /** Grey levels varying less than this (standard deviation) make a uniform frame: a covered lens, a blank screen. */
  public static final double UNIFORM_CONTRAST = 2.0;
  private static final int SIDE = 640;

  /** Bits in which two hashes (hex) differ, 0-256. */
  public static int distance(String a, String b) {
    byte[] x = HexFormat.of().parseHex(a);
    byte[] y = HexFormat.of().parseHex(b);
    int d = 0;
    for (int i = 0; i < x.length; i++) {
      d += Integer.bitCount((x[i] ^ y[i]) & 0xff);
    }
    return d;
  }

  /** Measures an image file (JPEG or PNG); a file that cannot be read at all is a problem, not an exception. */
  public static Look of(Path file) {
    String truncated = null;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long n = f.length();
      byte[] head = new byte[2];
      f.readFully(head);
      if ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) {
        // a whole JPEG ends with the EOI marker (some writers pad a few bytes after it)
        int tail = (int) Math.min(n, 64);
        byte[] end = new byte[tail];
        f.seek(n - tail);
        f.readFully(end);
        boolean eoi = false;
        for (int i = 0; i + 1 < tail; i++) {
          eoi |= (end[i] & 0xff) == 0xFF && (end[i + 1] & 0xff) == 0xD9;
        }
        if (!eoi) {
          truncated = "truncated: the JPEG has no end-of-image marker";
        }
      }
    } catch (IOException e) {
      return new Look(null, 0, 0, 0, "unreadable: " + e.getMessage());
    }
    Mat grey = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_GRAYSCALE);
    try {
      if (grey.empty()) {
        return new Look(null, 0, 0, 0, "undecodable: not an image OpenCV can read");
      }
      Look l = of(grey);
      return truncated == null ? l : new Look(l.hash(), l.sharpness(), l.brightness(), l.contrast(), truncated);
    } finally {
      grey.release();
    }
  }

  /** Measures an encoded image in memory. */
  public static Look of(byte[] encoded) {
    MatOfByte buf = new MatOfByte(encoded);
    Mat grey = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_GRAYSCALE);
    try {
      return grey.empty() ? new Look(null, 0, 0, 0, "undecodable: not an image OpenCV can read") : of(grey);
    } finally {
      buf.release();
      grey.release();
    }
  }

  private static Look of(Mat grey) {
    Mat small = new Mat();
    Mat lap = new Mat();
    Mat thumb = new Mat();
    MatOfDouble mean = new MatOfDouble();
    MatOfDouble std = new MatOfDouble();
    try {
      double scale = (double) SIDE / Math.max(grey.cols(), grey.rows());
      Mat g = grey;
      if (scale != 1) {
        Imgproc.resize(grey, small, new Size(), scale, scale, scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        g = small;
      }
      Imgproc.Laplacian(g, lap, CvType.CV_16S);
      Core.meanStdDev(lap, mean, std);
      double lapVar = std.get(0, 0)[0] * std.get(0, 0)[0];
      Core.meanStdDev(g, mean, std);
      double contrast = std.get(0, 0)[0];
      double brightness = mean.get(0, 0)[0];
      Imgproc.resize(g, thumb, new Size(17, 16), 0, 0, Imgproc.INTER_AREA);
      byte[] px = new byte[17 * 16];
      thumb.get(0, 0, px);
      byte[] hash = new byte[32];
      int bit = 0;
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          if ((px[y * 17 + x] & 0xff) > (px[y * 17 + x + 1] & 0xff)) {
            hash[bit >> 3] |= (byte) (1 << (bit & 7));
          }
          bit++;
        }
      }
      String problem = contrast < UNIFORM_CONTRAST
          ? String.format(Locale.ROOT, "uniform: grey levels vary by %.1f (a covered lens or a blank frame)", contrast)
          : null;
      return new Look(HexFormat.of().formatHex(hash), lapVar / (contrast * contrast + 1), brightness, contrast, problem);
    } finally {
      small.release();
      lap.release();
      thumb.release();
      mean.release();
      std.release();
    }
  }
}
