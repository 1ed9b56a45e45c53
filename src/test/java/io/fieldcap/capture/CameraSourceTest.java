package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A camera that is not there (CI machines have none): a retryable failure that names the device. */
class CameraSourceTest {
  @TempDir Path tmp;

  @Test
  void givenAnUnpluggedCamera_thenOpeningFailsRetryablyNamingTheDevice() throws Exception {
    var cfg = ConfigLoader.load(null, List.of("device.id=x", "source.uri=/dev/video97", "spool.dir=" + tmp)).source();
    try (CameraSource cam = new CameraSource(cfg)) {
      assertThatThrownBy(cam::open).isInstanceOfSatisfying(SourceException.class, e -> {
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("camera /dev/video97 is not present (unplugged, or the driver is not loaded?)");
      });
      assertThatThrownBy(cam::next).isInstanceOf(SourceException.class);
    }
  }
}
