package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.image.Images;
import io.fieldcap.image.OpenCv;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class GeoTest {
  static {
    OpenCv.load();
  }

  @Test
  void tpvReportsWithAFixAreReadAndOthersIgnored() {
    Fix f = GpsdClient.parse("{\"class\":\"TPV\",\"mode\":3,\"time\":\"2026-11-29T12:00:07.000Z\",\"lat\":48.1173,"
        + "\"lon\":11.516666667,\"altHAE\":592.3,\"altMSL\":545.4,\"alt\":545.4}");
    assertThat(f).isEqualTo(new Fix(48.1173, 11.516666667, 545.4, Instant.parse("2026-11-29T12:00:07Z")));
    Fix flat = GpsdClient.parse("{\"class\":\"TPV\",\"mode\":2,\"time\":\"2026-11-29T12:00:06.000Z\",\"lat\":-33.5,\"lon\":-70.25}");
    assertThat(flat.alt()).as("2D fix: no altitude").isNaN();
    assertThat(GpsdClient.parse("{\"class\":\"TPV\",\"mode\":1}")).as("no fix").isNull();
    assertThat(GpsdClient.parse("{\"class\":\"SKY\",\"satellites\":[]}")).isNull();
    assertThat(GpsdClient.parse("not json")).isNull();
  }

  @Test
  void exifGpsGoesAfterJfifAndTheImageStillDecodes() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    byte[] tagged = Exif.withGps(jpeg, new Fix(-33.5, -70.25, Double.NaN, Instant.parse("2026-11-29T12:00:06Z")));
    assertThat(tagged.length).isGreaterThan(jpeg.length);
    int app1 = indexOf(tagged, new byte[] {(byte) 0xFF, (byte) 0xE1});
    assertThat(new String(tagged, app1 + 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Exif");
    Mat back = Images.decode(tagged);
    assertThat(back.cols()).isEqualTo(512);
    assertThatThrownBy(() -> Exif.withGps(new byte[] {1, 2, 3, 4}, new Fix(0, 0, 0, Instant.EPOCH)))
        .hasMessageContaining("not a JPEG");
  }

  private static int indexOf(byte[] a, byte[] pattern) {
    outer:
    for (int i = 0; i <= a.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (a[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
