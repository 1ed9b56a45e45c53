package io.fieldcap.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A binary mask in COCO's run-length encoding, as COCO's annotation files and pycocotools hold it:
 * {@code size} is {@code [height, width]}; the pixels are read column by column (x outer, y
 * inner: Fortran order), and {@code counts} alternates run lengths of 0s and 1s, starting with 0s
 * (a mask whose first pixel is set starts with a run of length 0). Here the counts travel in COCO's
 * compressed string form ({@code rleToString} of pycocotools' {@code maskApi.c}): each count, from
 * the third on as the difference to the count two before, is written in 5-bit groups, least
 * significant first, each group plus 48 as one character, with 0x20 set on every group but the
 * last, and the sign carried by 0x10 of the last group.
 *
 * @param size {@code [height, width]}
 * @param counts the run lengths, compressed as above
 */
public record Rle(List<Integer> size, String counts) {
  public Rle {
    if (size == null || size.size() != 2 || size.get(0) < 0 || size.get(1) < 0) {
      throw new IllegalArgumentException("an RLE's size must be [height, width], was " + size);
    }
    size = List.copyOf(size);
    if (counts == null) {
      throw new IllegalArgumentException("an RLE needs counts");
    }
  }

  public int height() {
    return size.get(0);
  }

  public int width() {
    return size.get(1);
  }

  /** From run lengths (0s first). */
  public static Rle of(int height, int width, int[] runs, int n) {
    return new Rle(List.of(height, width), compress(runs, n));
  }

  /** The run lengths, 0s first. */
  public int[] runs() {
    return decompress(counts);
  }

  /** How many pixels are set. */
  public long area() {
    int[] r = runs();
    long a = 0;
    for (int i = 1; i < r.length; i += 2) {
      a += r[i];
    }
    return a;
  }

  /** The box around the set pixels, or null when none is set. */
  public Box box() {
    return box(runs(), height());
  }

  /**
   * The box around the set pixels of these runs (0s first) over columns of {@code height} pixels,
   * found from the runs alone; null when none is set.
   */
  public static Box box(int[] runs, int height) {
    int minX = Integer.MAX_VALUE;
    int maxX = -1;
    int minY = Integer.MAX_VALUE;
    int maxY = -1;
    long start = 0;
    for (int i = 0; i < runs.length; i++) {
      long end = start + runs[i];
      if (i % 2 == 1 && runs[i] > 0) { // set pixels start .. end-1, column by column
        long x0 = start / height;
        long x1 = (end - 1) / height;
        minX = (int) Math.min(minX, x0);
        maxX = (int) Math.max(maxX, x1);
        if (x0 == x1) {
          minY = (int) Math.min(minY, start % height);
          maxY = (int) Math.max(maxY, (end - 1) % height);
        } else { // it runs on into the next column: the bottom row of one and the top row of the next
          minY = 0;
          maxY = height - 1;
        }
      }
      start = end;
    }
    return maxX < 0 ? null : new Box(minX, minY, maxX - minX + 1, maxY - minY + 1);
  }

  /** The share of the image the mask covers, 0..1. */
  public double coverage() {
    long all = (long) height() * width();
    return all == 0 ? 0 : (double) area() / all;
  }

  /** The mask as one byte per pixel (1 set, 0 not), row by row. */
  public byte[] toRowMajor() {
    int h = height();
    int w = width();
    byte[] out = new byte[h * w];
    int[] r = runs();
    long p = 0;
    for (int i = 0; i < r.length; i++) {
      if (i % 2 == 1) {
        for (long q = p; q < p + r[i]; q++) {
          int x = (int) (q / h);
          int y = (int) (q % h);
          out[y * w + x] = 1;
        }
      }
      p += r[i];
    }
    if (p != (long) h * w) {
      throw new IllegalArgumentException("an RLE of " + h + "x" + w + " has runs adding up to " + p + " pixels");
    }
    return out;
  }

  /** The encoding of a mask given one byte per pixel (non-zero set), row by row. */
  public static Rle fromRowMajor(int height, int width, byte[] mask) {
    int[] runs = new int[height * width + 1];
    int n = 0;
    int run = 0;
    boolean on = false;
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        boolean v = mask[y * width + x] != 0;
        if (v != on) {
          runs[n++] = run;
          run = 0;
          on = v;
        }
        run++;
      }
    }
    runs[n++] = run;
    return of(height, width, runs, n);
  }

  /** pycocotools' {@code rleToString}. */
  static String compress(int[] runs, int n) {
    StringBuilder s = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      long x = runs[i];
      if (i > 2) {
        x -= runs[i - 2];
      }
      boolean more = true;
      while (more) {
        long c = x & 0x1f;
        x >>= 5;
        more = (c & 0x10) != 0 ? x != -1 : x != 0;
        if (more) {
          c |= 0x20;
        }
        s.append((char) (c + 48));
      }
    }
    return s.toString();
  }

  /** pycocotools' {@code rleFrString}. */
  static int[] decompress(String s) {
    List<Long> out = new ArrayList<>();
    int p = 0;
    while (p < s.length()) {
      long x = 0;
      int k = 0;
      boolean more = true;
      while (more) {
        if (p >= s.length()) {
          throw new IllegalArgumentException("RLE counts end in the middle of a number");
        }
        long c = s.charAt(p) - 48;
        if (c < 0 || c > 63) {
          throw new IllegalArgumentException("RLE counts have a character outside '0'..'o': '" + s.charAt(p) + "'");
        }
        x |= (c & 0x1f) << (5 * k);
        more = (c & 0x20) != 0;
        p++;
        k++;
        if (!more && (c & 0x10) != 0) {
          x |= -1L << (5 * k);
        }
      }
      if (out.size() > 2) {
        x += out.get(out.size() - 2);
      }
      if (x < 0 || x > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("RLE counts hold a run of " + x + " pixels");
      }
      out.add(x);
    }
    int[] r = new int[out.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = (int) (long) out.get(i);
    }
    return r;
  }
}
