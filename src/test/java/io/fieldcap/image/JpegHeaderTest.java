package io.fieldcap.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.testing.TestMedia;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {
  private static JpegHeader.Size size(byte[] b) throws Exception {
    return JpegHeader.read(new ByteArrayInputStream(b));
  }

  @Test
  void givenRealJpegs_thenTheSizeIsTheOneTheirFrameHeaderDeclares() throws Exception {
    assertThat(size(Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg")))).isEqualTo(new JpegHeader.Size(512, 480));
    assertThat(size(Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg")))).isEqualTo(new JpegHeader.Size(512, 512));
  }

  @Test
  void givenLargeSegmentsBeforeTheFrameHeader_thenTheyAreSkipped() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    for (int i = 0; i < 3; i++) { // three 64 KiB comment segments, as a large EXIF block would be
      out.write(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
      out.write(new byte[0xFFFF - 2]);
    }
    out.write(jpeg, 2, jpeg.length - 2);
    assertThat(size(out.toByteArray())).isEqualTo(new JpegHeader.Size(512, 480));
  }

  @Test
  void givenBytesThatAreNotAJpeg_thenTheReasonIsSaid() throws Exception {
    assertThatThrownBy(() -> size("hello".getBytes())).hasMessageContaining("does not start with the SOI marker");
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    assertThatThrownBy(() -> size(Arrays.copyOf(jpeg, 30))).hasMessageContaining("ends inside a marker segment");
    assertThatThrownBy(() -> size(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}))
        .hasMessageContaining("no frame header (SOF) before the end of image");
    assertThatThrownBy(() -> size(new byte[] {(byte) 0xFF, (byte) 0xD8, 0x12})).hasMessageContaining("expected a marker");
  }
}
