package io.fieldcap.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * What a stored image looks like, as the server measures it (never trusted from a device): a
 * perceptual hash to find near-duplicates across devices and time, sharpness to keep the best of a
 * group, and what makes a frame broken.
 *
 * @param hash the 256-bit difference hash of the agent's duplicate filter ({@link Measure}), as 64 hex digits
 * @param sharpness {@link Measure}'s, with smaller images scaled up to 640 px (so that a low-resolution
 *     copy of a scene measures blurrier than the full one): comparable between frames of different
 *     brightness and size
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
    try (Measure m = new Measure(true)) {
      Measure.Result r = m.grey(grey);
      String problem = r.contrast() < UNIFORM_CONTRAST
          ? String.format(Locale.ROOT, "uniform: grey levels vary by %.1f (a covered lens or a blank frame)", r.contrast())
          : null;
      return new Look(r.hexHash(), r.sharpness(), r.brightness(), r.contrast(), problem);
    }
  }
}
