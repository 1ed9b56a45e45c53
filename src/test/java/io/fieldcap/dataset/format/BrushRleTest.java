package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.model.Rle;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Label Studio's brush encoding (thi.ng rle-pack of an RGBA image), by hand and round trips. */
class BrushRleTest {
  /** Bytes from a string of bits, zero-filled to a whole byte. */
  private static int[] bits(String s) {
    s = s.replace(" ", "");
    int[] out = new int[(s.length() + 7) / 8];
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '1') {
        out[i / 8] |= 0x80 >>> (i % 8);
      }
    }
    return out;
  }

  @Test
  void aOnePixelMaskIsTheStreamRlePackDescribes() {
    // 4 values (one RGBA pixel); words of 8 bits (7); run fields of 3, 4, 8, 16 bits (2, 3, 7, 15);
    // then one repeat: flag 1, field 0 (3 bits), length 4 - 1 = 3, value 255
    int[] want = bits("00000000 00000000 00000000 00000100" + "00111" + "0010 0011 0111 1111" + "1 00 011 11111111");
    Rle set = Rle.fromRowMajor(1, 1, new byte[] {1});
    assertThat(BrushRle.encode(set)).containsExactly(want);
    assertThat(BrushRle.decode(want, 1, 1)).isEqualTo(set);
  }

  @Test
  void literalRunsAndOtherFieldSizesAreReadAsRlePackWritesThem() {
    // 2 pixels = 8 values, word size 8, fields 3, 4, 8, 16; a literal run of 4 (flag 0, field 0, length 3) then a repeat of 4
    int[] in = bits("00000000 00000000 00000000 00001000" + "00111" + "0010 0011 0111 1111"
        + "0 00 011 00000000 00000000 00000000 11111111" + "1 00 011 00000000");
    assertThat(BrushRle.decode(in, 2, 1).runs()).containsExactly(0, 1, 1); // the first pixel's alpha is set
  }

  @Test
  void masksOfEveryShapeRoundTrip() {
    Random r = new Random(3);
    int w = 300;
    int h = 200;
    for (int k = 0; k < 5; k++) {
      byte[] m = new byte[w * h];
      for (int b = 0; b < k * 10; b++) {
        int x0 = r.nextInt(w);
        int y0 = r.nextInt(h);
        for (int y = y0; y < Math.min(h, y0 + 1 + r.nextInt(120)); y++) {
          for (int x = x0; x < Math.min(w, x0 + 1 + r.nextInt(200)); x++) {
            m[y * w + x] = 1;
          }
        }
      }
      if (k == 4) {
        java.util.Arrays.fill(m, (byte) 1); // a run longer than 65536 values
      }
      Rle mask = Rle.fromRowMajor(h, w, m);
      assertThat(BrushRle.decode(BrushRle.encode(mask), w, h)).as("mask %d", k).isEqualTo(mask);
    }
  }

  @Test
  void badStreamsSayWhatIsWrong() {
    int[] one = BrushRle.encode(Rle.fromRowMajor(1, 1, new byte[] {1}));
    assertThatThrownBy(() -> BrushRle.decode(one, 2, 2)).hasMessage("it holds 4 values, not 4 per pixel of 2x2");
    assertThatThrownBy(() -> BrushRle.decode(java.util.Arrays.copyOf(one, 6), 1, 1)).hasMessageContaining("ends after 6 bytes");
  }
}
