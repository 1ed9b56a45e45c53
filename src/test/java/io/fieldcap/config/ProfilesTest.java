package io.fieldcap.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped profiles in device-config/ use only keys the loader knows. */
class ProfilesTest {
  @TempDir Path tmp;

  @Test
  void everyShippedProfileLoadsOnceItsMachineSpecificPathsArePointedAtThisMachine() throws Exception {
    Path clip = Files.writeString(tmp.resolve("clip.mp4"), "x");
    Path pem = Files.writeString(tmp.resolve("x.pem"), "x");
    Files.createDirectories(tmp.resolve("incoming"));
    List<String> local = List.of("spool.dir=" + tmp.resolve("spool"));
    assertThat(ConfigLoader.load(Path.of("device-config/usb-camera.yaml"), local).source().fps()).isEqualTo(1.0);
    assertThat(ConfigLoader.load(Path.of("device-config/rtsp-camera.yaml"), List.of("mqtt.ca-file=" + pem,
        "mqtt.cert-file=" + pem, "mqtt.key-file=" + pem)).source().rtspTransport()).isEqualTo("tcp");
    assertThat(ConfigLoader.load(Path.of("device-config/drone.yaml"),
        List.of("source.uri=dir://" + tmp.resolve("incoming"))).spool().whenFull())
        .isEqualTo(SpoolConfig.WhenFull.REJECT_NEW);
    assertThat(ConfigLoader.load(Path.of("device-config/demo.yaml"), List.of("source.uri=file://" + clip))
        .source().loop()).isTrue();
  }
}
