package io.fieldcap.dataset.format;

import io.fieldcap.model.Rle;
import java.util.Arrays;

/**
 * A mask in Label Studio's brush encoding ({@code "format": "rle"} of {@code brushlabels}): the mask
 * as an RGBA image (row by row, each pixel's value, 255 set or 0, four times), packed with thi.ng's
 * {@code rle-pack}, which Label Studio's frontend decodes. The stream is big-endian bits: 32 bits
 * of value count, 5 bits of word size - 1 (8 bits), four 4-bit run-length field sizes - 1 (3, 4, 8
 * and 16 bits); then runs: {@code 1}, 2 bits choosing the field size, the run's length - 1 in that
 * many bits, and the 8-bit value; or a single value as {@code 0 00 000} and the value; zero bits
 * fill the last byte.
 */
public final class BrushRle {
  private static final int[] SIZES = {3, 4, 8, 16};

  private BrushRle() {}

  /**
   * A brush back into a mask of {@code width x height} (pixels whose alpha is set), as Label Studio's
   * frontend unpacks it (rle-pack's {@code decode}: any word size and run field sizes the header gives).
   *
   * @throws IllegalArgumentException naming what is wrong: a count that is not the image's, a stream that ends early
   */
  public static Rle decode(int[] rle, int width, int height) {
    In in = new In(rle);
    long num = in.read(32);
    if (num != (long) width * height * 4) {
      throw new IllegalArgumentException("it holds " + num + " values, not 4 per pixel of " + width + "x" + height);
    }
    int word = (int) in.read(5) + 1;
    int[] sizes = new int[4];
    for (int k = 0; k < 4; k++) {
      sizes[k] = (int) in.read(4) + 1;
    }
    byte[] mask = new byte[width * height];
    long i = 0;
    while (i < num) {
      boolean repeat = in.read(1) == 1;
      long j = Math.min(num, i + 1 + in.read(sizes[(int) in.read(2)]));
      if (repeat) {
        long v = in.read(word);
        for (; i < j; i++) {
          if (i % 4 == 3 && v != 0) {
            mask[(int) (i / 4)] = 1;
          }
        }
      } else {
        for (; i < j; i++) {
          long v = in.read(word);
          if (i % 4 == 3 && v != 0) {
            mask[(int) (i / 4)] = 1;
          }
        }
      }
    }
    return Rle.fromRowMajor(height, width, mask);
  }

  /** Big-endian bits of the unsigned bytes. */
  private static final class In {
    private final int[] data;
    private long pos;

    In(int[] data) {
      this.data = data;
    }

    long read(int n) {
      long v = 0;
      for (int b = 0; b < n; b++, pos++) {
        int at = (int) (pos >>> 3);
        if (at >= data.length) {
          throw new IllegalArgumentException("it ends after " + data.length + " bytes, in the middle of a run");
        }
        v = (v << 1) | ((data[at] >>> (7 - (pos & 7))) & 1);
      }
      return v;
    }
  }

  /** The bytes, as the unsigned numbers Label Studio's JSON holds. */
  public static int[] encode(Rle mask) {
    int w = mask.width();
    int h = mask.height();
    byte[] rows = mask.toRowMajor();
    Bits out = new Bits(64 + rows.length / 64);
    out.write((long) w * h * 4, 32);
    out.write(8 - 1, 5);
    for (int s : SIZES) {
      out.write(s - 1, 4);
    }
    int i = 0;
    while (i < rows.length) {
      int j = i;
      while (j < rows.length && rows[j] == rows[i]) {
        j++;
      }
      run((long) (j - i) * 4, rows[i] != 0 ? 255 : 0, out); // each pixel is four equal channels
      i = j;
    }
    return out.bytes();
  }

  private static void run(long length, int value, Bits out) {
    while (length > 0) {
      if (length == 1) {
        out.write(0, 1);
        out.write(0, 2);
        out.write(0, 3);
        out.write(value, 8);
        return;
      }
      int k = length <= 8 ? 0 : length <= 16 ? 1 : length <= 256 ? 2 : 3;
      long n = Math.min(length, 1L << SIZES[k]);
      out.write(1, 1);
      out.write(k, 2);
      out.write(n - 1, SIZES[k]);
      out.write(value, 8);
      length -= n;
    }
  }

  /** A growing big-endian bit buffer. */
  private static final class Bits {
    private byte[] buf;
    private long bits;

    Bits(int bytes) {
      buf = new byte[Math.max(16, bytes)];
    }

    void write(long v, int n) {
      for (int b = n - 1; b >= 0; b--) {
        int at = (int) (bits >>> 3);
        if (at == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        if (((v >>> b) & 1) != 0) {
          buf[at] |= (byte) (0x80 >>> (bits & 7));
        }
        bits++;
      }
    }

    int[] bytes() {
      int n = (int) ((bits + 7) >>> 3);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = buf[i] & 0xff;
      }
      return out;
    }
  }
}
