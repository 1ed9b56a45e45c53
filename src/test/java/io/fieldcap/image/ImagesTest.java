package io.fieldcap.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class ImagesTest {
  static {
    OpenCv.load();
  }

  /** A thumbnail of a large frame never decodes the whole frame: the JPEG decoder scales by 1/8, 1/4 or 1/2. */
  @Test
  void aReducedDecodeIsTheSmallestScaleStillAsWideAsAsked() {
    byte[] jpeg = Images.encodeJpeg(2600, 1600, new byte[2600 * 1600 * 3], 80);
    Mat eighth = Images.decodeReduced(jpeg, 2600, 320);
    Mat quarter = Images.decodeReduced(jpeg, 2600, 600);
    Mat full = Images.decodeReduced(jpeg, 2600, 2000);
    try {
      assertThat(eighth.cols()).isEqualTo(325);
      assertThat(eighth.rows()).isEqualTo(200);
      assertThat(quarter.cols()).isEqualTo(650);
      assertThat(full.cols()).isEqualTo(2600);
    } finally {
      eighth.release();
      quarter.release();
      full.release();
    }
  }
}
