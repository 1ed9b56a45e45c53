package io.fieldcap.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * COCO RLE against a decoder written here from the format's description (not from {@link Rle}'s
 * encoder): pixels in column-major order; counts alternate runs of 0s and 1s, 0s first; in the
 * string form each count (from the third on, minus the count two before it) is split into 5-bit
 * groups, low group first, each written as the character 48 + group, with bit 0x20 meaning "more
 * groups follow" and bit 0x10 of the last group giving the sign.
 */
public class RleTest {
  /** The description above, step by step. */
  public static byte[] decodeCoco(int h, int w, String counts) {
    List<Long> values = new ArrayList<>();
    int i = 0;
    while (i < counts.length()) {
      long value = 0;
      int shift = 0;
      int group;
      do {
        group = counts.charAt(i++) - 48;
        value += (long) (group & 0x1f) << shift;
        shift += 5;
      } while ((group & 0x20) != 0);
      if ((group & 0x10) != 0) {
        value -= 1L << shift; // the last group's 0x10 is the sign bit of a shift-bit two's complement number
      }
      if (values.size() > 2) {
        value += values.get(values.size() - 2);
      }
      values.add(value);
    }
    byte[] rowMajor = new byte[h * w];
    long pos = 0;
    for (int k = 0; k < values.size(); k++) {
      for (long j = 0; j < values.get(k); j++, pos++) {
        if (k % 2 == 1) {
          int x = (int) (pos / h);
          int y = (int) (pos % h);
          rowMajor[y * w + x] = 1;
        }
      }
    }
    assertThat(pos).as("runs cover every pixel").isEqualTo((long) h * w);
    return rowMajor;
  }

  /** A w x h mask, row by row, set on x0 <= x < x1, y0 <= y < y1. */
  public static byte[] rect(int w, int h, int x0, int y0, int x1, int y1) {
    byte[] m = new byte[w * h];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        m[y * w + x] = 1;
      }
    }
    return m;
  }

  /** Intersection over union of two masks of one byte per pixel. */
  public static double iou(byte[] a, byte[] b) {
    long inter = 0;
    long union = 0;
    for (int i = 0; i < a.length; i++) {
      inter += a[i] & b[i];
      union += a[i] | b[i];
    }
    return union == 0 ? 1 : (double) inter / union;
  }

  @Test
  void aKnownMaskEncodesAsCocoSays() {
    // 3x4 (h x w), set: (x=1, y=0), (x=1, y=1), (x=2, y=2); column-major: 0 0 0 | 1 1 0 | 0 0 1 | 0 0 0
    byte[] m = new byte[12];
    m[0 * 4 + 1] = 1;
    m[1 * 4 + 1] = 1;
    m[2 * 4 + 2] = 1;
    Rle r = Rle.fromRowMajor(3, 4, m);
    assertThat(r.runs()).containsExactly(3, 2, 3, 1, 3);
    // counts 3, 2, then 3 (i = 2: not a difference yet), 1 - 2 = -1, 3 - 3 = 0: characters 48+3, 48+2, 48+3, 48+0x1f, 48
    assertThat(r.counts()).isEqualTo("323O0");
    assertThat(r.size()).containsExactly(3, 4);
    assertThat(r.area()).isEqualTo(3);
    assertThat(decodeCoco(3, 4, r.counts())).isEqualTo(m);
  }

  @Test
  void masksStartingSetEmptyFullAndLargeRoundTripThroughTheIndependentDecoder() {
    Random rnd = new Random(7);
    int h = 576;
    int w = 768;
    List<byte[]> masks = new ArrayList<>();
    masks.add(new byte[h * w]); // empty
    byte[] full = new byte[h * w];
    java.util.Arrays.fill(full, (byte) 1);
    masks.add(full);
    byte[] first = new byte[h * w];
    first[0] = 1; // a run of 0 zeros first
    masks.add(first);
    byte[] blobs = new byte[h * w];
    for (int k = 0; k < 40; k++) { // rectangles of all sizes: runs from 1 to hundreds of thousands of pixels
      int x0 = rnd.nextInt(w);
      int y0 = rnd.nextInt(h);
      int x1 = Math.min(w, x0 + 1 + rnd.nextInt(300));
      int y1 = Math.min(h, y0 + 1 + rnd.nextInt(300));
      for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
          blobs[y * w + x] = 1;
        }
      }
    }
    masks.add(blobs);
    byte[] noise = new byte[h * w];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (byte) (rnd.nextInt(10) == 0 ? 1 : 0);
    }
    masks.add(noise);
    for (byte[] m : masks) {
      Rle r = Rle.fromRowMajor(h, w, m);
      assertThat(decodeCoco(h, w, r.counts())).isEqualTo(m);
      assertThat(r.toRowMajor()).isEqualTo(m);
      long set = 0;
      for (byte b : m) {
        set += b;
      }
      assertThat(r.area()).isEqualTo(set);
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      for (int i = 0; i < m.length; i++) {
        if (m[i] != 0) {
          x0 = Math.min(x0, i % w);
          x1 = Math.max(x1, i % w);
          y0 = Math.min(y0, i / w);
          y1 = Math.max(y1, i / w);
        }
      }
      assertThat(r.box()).as("the box from the runs is the box of the pixels")
          .isEqualTo(set == 0 ? null : new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
    }
  }

  @Test
  void badCountsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new Rle(List.of(3, 4), "3~").runs()).hasMessageContaining("outside '0'..'o'");
    assertThatThrownBy(() -> new Rle(List.of(3, 4), "3" + (char) (48 + 0x20)).runs()).hasMessageContaining("middle of a number");
    assertThatThrownBy(() -> new Rle(List.of(3, 4), "32").toRowMajor()).hasMessageContaining("adding up to 5 pixels");
    assertThatThrownBy(() -> new Rle(List.of(3), "3")).hasMessageContaining("[height, width]");
  }
}
