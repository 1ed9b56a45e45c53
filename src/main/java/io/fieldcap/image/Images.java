package io.fieldcap.image;

import java.util.function.IntFunction;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Conversions between OpenCV Mats, packed BGR bytes and JPEG. */
public final class Images {
  static {
    OpenCv.load();
  }

  private Images() {}

  /** Packed BGR bytes of an 8-bit Mat with 1, 3 or 4 channels. */
  public static byte[] toBgr(Mat mat) {
    return toBgr(mat, byte[]::new);
  }

  /** As {@link #toBgr(Mat)}, into an array from {@code arrays} (given the length it must have). */
  public static byte[] toBgr(Mat mat, IntFunction<byte[]> arrays) {
    Mat bgr = mat;
    boolean converted = false;
    if (mat.depth() != CvType.CV_8U) {
      throw new IllegalArgumentException("expected an 8-bit image, got OpenCV type " + CvType.typeToString(mat.type()));
    }
    if (mat.channels() == 1) {
      bgr = new Mat();
      Imgproc.cvtColor(mat, bgr, Imgproc.COLOR_GRAY2BGR);
      converted = true;
    } else if (mat.channels() == 4) {
      bgr = new Mat();
      Imgproc.cvtColor(mat, bgr, Imgproc.COLOR_BGRA2BGR);
      converted = true;
    }
    try {
      Mat packed = bgr.isContinuous() ? bgr : bgr.clone();
      byte[] out = arrays.apply((int) (packed.total() * 3));
      packed.get(0, 0, out);
      if (packed != bgr) {
        packed.release();
      }
      return out;
    } finally {
      if (converted) {
        bgr.release();
      }
    }
  }

  /** A Mat over a copy of packed BGR bytes; the caller releases it. */
  public static Mat fromBgr(int width, int height, byte[] bgr) {
    Mat mat = new Mat(height, width, CvType.CV_8UC3);
    mat.put(0, 0, bgr);
    return mat;
  }

  /** Encodes packed BGR bytes as JPEG at {@code quality} (1..100). */
  public static byte[] encodeJpeg(int width, int height, byte[] bgr, int quality) {
    Mat mat = fromBgr(width, height, bgr);
    MatOfByte buf = new MatOfByte();
    try {
      if (!Imgcodecs.imencode(".jpg", mat, buf, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality))) {
        throw new IllegalStateException("OpenCV could not encode a " + width + "x" + height + " frame as JPEG");
      }
      return buf.toArray();
    } finally {
      mat.release();
      buf.release();
    }
  }

  /** Decodes image bytes (JPEG, PNG, BMP, ...) to a BGR Mat; an empty Mat when they are not an image. */
  public static Mat decode(byte[] bytes) {
    return decode(bytes, Imgcodecs.IMREAD_COLOR);
  }

  /**
   * Decodes an image of {@code width} pixels at the smallest of 1/8, 1/4, 1/2 or full scale that is
   * still at least {@code atLeast} wide: a JPEG decoder then never builds the full image (a 64 MP
   * frame decodes into 1 MP for a thumbnail).
   */
  public static Mat decodeReduced(byte[] bytes, int width, int atLeast) {
    int flag = width >= 8 * atLeast ? Imgcodecs.IMREAD_REDUCED_COLOR_8
        : width >= 4 * atLeast ? Imgcodecs.IMREAD_REDUCED_COLOR_4
        : width >= 2 * atLeast ? Imgcodecs.IMREAD_REDUCED_COLOR_2 : Imgcodecs.IMREAD_COLOR;
    return decode(bytes, flag);
  }

  private static Mat decode(byte[] bytes, int flag) {
    MatOfByte buf = new MatOfByte(bytes);
    try {
      return Imgcodecs.imdecode(buf, flag);
    } finally {
      buf.release();
    }
  }
}
