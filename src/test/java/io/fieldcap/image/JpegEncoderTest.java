package io.fieldcap.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.JpegEncoderKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

class JpegEncoderTest {
  private static final Path DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");

  static {
    OpenCv.load();
  }

  @Test
  void bothEncodersGiveAFaithfulJpegOfARealPhoto() {
    Mat photo = Imgcodecs.imread(DATA.resolve("fruits.jpg").toString());
    byte[] bgr = Images.toBgr(photo);
    for (JpegEncoderKind kind : new JpegEncoderKind[] {JpegEncoderKind.TURBOJPEG, JpegEncoderKind.OPENCV}) {
      try (JpegEncoder e = JpegEncoder.open(kind)) {
        byte[] jpeg = e.encode(photo.cols(), photo.rows(), bgr, 90);
        Mat back = Images.decode(jpeg);
        assertThat(back.size()).as(kind.name()).isEqualTo(photo.size());
        assertThat(Core.PSNR(photo, back)).as(kind + " PSNR").isGreaterThan(32);
        back.release();
      }
    }
  }

  @Test
  void turboJpegIsChosenAutomaticallyAndReusesItsBuffersAcrossFrameSizes() {
    Mat a = Imgcodecs.imread(DATA.resolve("fruits.jpg").toString());
    Mat b = Imgcodecs.imread(DATA.resolve("baboon.jpg").toString());
    try (JpegEncoder e = JpegEncoder.open(JpegEncoderKind.AUTO)) {
      assertThat(e.name()).isEqualTo("turbojpeg");
      for (Mat m : new Mat[] {a, b, a}) {
        Mat back = Images.decode(e.encode(m.cols(), m.rows(), Images.toBgr(m), 80));
        assertThat(back.size()).isEqualTo(m.size());
        assertThat(Core.PSNR(m, back)).isGreaterThan(25);
      }
    }
  }

  @Test
  void lowerQualityGivesSmallerFiles() {
    Mat m = Imgcodecs.imread(DATA.resolve("baboon.jpg").toString());
    try (JpegEncoder e = JpegEncoder.open(JpegEncoderKind.TURBOJPEG)) {
      byte[] bgr = Images.toBgr(m);
      assertThat(e.encode(m.cols(), m.rows(), bgr, 50).length).isLessThan(e.encode(m.cols(), m.rows(), bgr, 95).length / 2);
    }
  }

  @Test
  void aMissingLibraryIsNamedWithItsPackageOrFallsBackToOpenCv() {
    assertThatThrownBy(() -> JpegEncoder.open(JpegEncoderKind.TURBOJPEG, "fieldcap-no-such-turbojpeg"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("libturbojpeg0");
    try (JpegEncoder e = JpegEncoder.open(JpegEncoderKind.AUTO, "fieldcap-no-such-turbojpeg")) {
      assertThat(e.name()).isEqualTo("opencv");
      assertThat(Images.decode(e.encode(2, 2, new byte[12], 90)).cols()).isEqualTo(2);
    }
  }

  @Test
  void aBufferOfTheWrongSizeIsRefused() {
    try (JpegEncoder e = JpegEncoder.open(JpegEncoderKind.TURBOJPEG)) {
      assertThatThrownBy(() -> e.encode(4, 4, new byte[10], 90))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("4x4").hasMessageContaining("48 bytes, got 10");
    }
  }
}
