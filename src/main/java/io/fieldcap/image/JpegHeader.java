package io.fieldcap.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JPEG's frame header (SOFn) for its width and height, walking the marker segments from the
 * start of the file without decoding anything: what the server checks a manifest's {@code width},
 * {@code height} and {@code contentType} against before it stores a frame.
 */
public final class JpegHeader {
  /** The size a JPEG declares. */
  public record Size(int width, int height) {}

  private JpegHeader() {}

  /**
   * @return the size from the first SOFn segment
   * @throws IOException with a reason a person can act on when the stream is not a JPEG or has no frame header
   */
  public static Size read(InputStream in) throws IOException {
    if (in.read() != 0xFF || in.read() != 0xD8) {
      throw new IOException("not a JPEG (it does not start with the SOI marker FF D8)");
    }
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("no frame header (SOF) before the end of the file");
      }
      if (b != 0xFF) {
        throw new IOException("not a JPEG (expected a marker, found byte " + String.format("%02X", b) + ")");
      }
      int marker;
      do {
        marker = in.read(); // fill bytes: any number of FF before a marker
      } while (marker == 0xFF);
      if (marker < 0) {
        throw new EOFException("the file ends inside a marker");
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue; // TEM and RSTn stand alone
      }
      if (marker == 0xD9 || marker == 0xDA) {
        throw new IOException("no frame header (SOF) before the " + (marker == 0xD9 ? "end of image" : "scan data"));
      }
      int length = u16(in);
      if (length < 2) {
        throw new IOException("a marker segment has a length of " + length);
      }
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        in.read(); // sample precision
        int height = u16(in);
        int width = u16(in);
        return new Size(width, height);
      }
      skip(in, length - 2);
    }
  }

  private static int u16(InputStream in) throws IOException {
    int hi = in.read();
    int lo = in.read();
    if ((hi | lo) < 0) {
      throw new EOFException("the file ends inside a marker segment");
    }
    return hi << 8 | lo;
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the file ends inside a marker segment");
        }
        k = 1;
      }
      n -= k;
    }
  }
}
