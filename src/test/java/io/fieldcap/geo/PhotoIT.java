package io.fieldcap.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.server.Server;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drone photos copied into a watched folder keep what the camera wrote: their capture time and
 * frame id come from EXIF, they reach the server byte for byte when nothing must be redacted, and
 * when something must, the re-encoded copy carries the camera's EXIF (read back by exiftool from the
 * server's copy), without its thumbnail.
 */
class PhotoIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private static String exiftool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("exiftool"));
    cmd.addAll(List.of(args));
    ChildProcess p = ChildProcess.start(cmd);
    assertThat(p.waitFor(Duration.ofSeconds(30))).as(p::output).isZero();
    return p.output();
  }

  /** fruits.jpg as a drone camera would have written it; and baboon.jpg with no EXIF and a known modification time. */
  private Path photos() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("sd-card"));
    Path drone = in.resolve("DJI_0001.JPG");
    Files.copy(TestMedia.samples().resolve("fruits.jpg"), drone);
    exiftool("-q", "-overwrite_original", "-Make=DJI", "-Model=FC6310", "-LensModel=8.8mm f/2.8", "-ExposureTime=1/500",
        "-FNumber=2.8", "-ISO=100", "-DateTimeOriginal=2026:06:01 09:30:15", "-OffsetTimeOriginal=+02:00",
        "-GPSLatitude=47.3769", "-GPSLatitudeRef=N", "-GPSLongitude=8.5417", "-GPSLongitudeRef=E", "-GPSAltitude=420",
        "-GPSAltitudeRef=0", drone.toString());
    Path plain = in.resolve("plain.jpg");
    Files.copy(TestMedia.samples().resolve("baboon.jpg"), plain);
    exiftool("-q", "-overwrite_original", "-all=", plain.toString());
    Files.setLastModifiedTime(plain, FileTime.from(Instant.parse("2025-01-02T03:04:05Z")));
    Files.setLastModifiedTime(drone, FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
    return in;
  }

  private List<StoredFrame> sync(Path in, String device, String... more) throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto-" + device)).start();
    cleanup.add(m);
    Path data = tmp.resolve("data-" + device);
    Server server = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + m.uri(), "server.data-dir=" + data)),
        InstantSource.system());
    server.start();
    cleanup.add(server::stop);
    List<String> sets = new ArrayList<>(List.of("device.id=" + device, "source.uri=dir://" + in,
        "spool.dir=" + tmp.resolve("spool-" + device), "mqtt.broker=" + m.uri(), "quality.duplicates=false"));
    sets.addAll(List.of(more));
    Agent agent = new Agent(ConfigLoader.load(null, sets), InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.ingest().stored() < 2) {
      assertThat(System.nanoTime()).as("2 photos stored; " + agent.spool().stats()).isLessThan(deadline);
      Thread.sleep(100);
    }
    List<StoredFrame> out = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(out::add);
    }
    return out;
  }

  private static StoredFrame taken(List<StoredFrame> frames, String instant) {
    return frames.stream().filter(f -> f.capturedAt().equals(Instant.parse(instant))).findFirst()
        .orElseThrow(() -> new AssertionError("no frame captured at " + instant + " in " + frames));
  }

  @Test
  void givenPhotosInAFolder_thenTheirExifTimeIsTheCaptureTimeAndTheyReachTheServerByteForByte() throws Exception {
    Path in = photos();
    byte[] droneFile = Files.readAllBytes(in.resolve("DJI_0001.JPG"));
    byte[] plainFile = Files.readAllBytes(in.resolve("plain.jpg"));
    List<StoredFrame> frames = sync(in, "survey-1");
    StoredFrame drone = taken(frames, "2026-06-01T07:30:15Z"); // 09:30:15 at +02:00
    assertThat(drone.frameId()).startsWith("20260601T073015000Z-");
    assertThat(drone.sha256()).as("stored byte for byte").isEqualTo(Sha256.hex(droneFile));
    assertThat(Files.readAllBytes(drone.image().fetch())).isEqualTo(droneFile);
    @SuppressWarnings("unchecked")
    var gps = (java.util.Map<String, Object>) drone.meta().get("gps");
    assertThat(gps).as("the photo's own position in the frame's metadata").isNotNull();
    assertThat(((Number) gps.get("lat")).doubleValue()).isCloseTo(47.3769, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(((Number) gps.get("alt")).doubleValue()).isCloseTo(420, org.assertj.core.data.Offset.offset(0.01));
    StoredFrame plain = taken(frames, "2025-01-02T03:04:05Z"); // no EXIF: the file's modification time
    assertThat(plain.sha256()).isEqualTo(Sha256.hex(plainFile));
  }

  @Test
  void givenAPhotoThatMustBeRedacted_thenTheReencodedCopyCarriesTheCamerasExifButNoThumbnail() throws Exception {
    Path in = photos();
    Path drone = in.resolve("DJI_0001.JPG");
    Path thumb = tmp.resolve("thumb.jpg"); // a camera's 160x120 preview (of another picture, to tell it apart)
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-i", TestMedia.samples().resolve("baboon.jpg").toString(),
        "-vf", "scale=160:120", thumb.toString()));
    exiftool("-q", "-overwrite_original", "-ThumbnailImage<=" + thumb, drone.toString());
    assertThat(exiftool("-s3", "-ThumbnailLength", drone.toString()).strip()).as("the camera wrote a thumbnail").isNotEmpty();
    byte[] droneFile = Files.readAllBytes(drone);
    List<StoredFrame> frames = sync(in, "survey-2", "privacy.masks=0,0 0.3,0 0.3,0.3");
    StoredFrame stored = taken(frames, "2026-06-01T07:30:15Z");
    assertThat(stored.sha256()).as("re-encoded: the mask changed its pixels").isNotEqualTo(Sha256.hex(droneFile));
    JsonNode tags = Json.MAPPER.readTree(exiftool("-j", "-n", "-Make", "-Model", "-LensModel", "-ExposureTime", "-FNumber",
        "-ISO", "-DateTimeOriginal", "-OffsetTimeOriginal", "-GPSLatitude", "-GPSLongitude", "-GPSAltitude",
        "-ThumbnailLength", "-Orientation", stored.image().fetch().toString())).get(0);
    assertThat(tags.get("Make").asText()).isEqualTo("DJI");
    assertThat(tags.get("Model").asText()).isEqualTo("FC6310");
    assertThat(tags.get("LensModel").asText()).isEqualTo("8.8mm f/2.8");
    assertThat(tags.get("ExposureTime").asDouble()).isEqualTo(0.002);
    assertThat(tags.get("FNumber").asDouble()).isEqualTo(2.8);
    assertThat(tags.get("ISO").asInt()).isEqualTo(100);
    assertThat(tags.get("DateTimeOriginal").asText()).isEqualTo("2026:06:01 09:30:15");
    assertThat(tags.get("OffsetTimeOriginal").asText()).isEqualTo("+02:00");
    assertThat(tags.get("GPSLatitude").asDouble()).isCloseTo(47.3769, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(tags.get("GPSLongitude").asDouble()).isCloseTo(8.5417, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(tags.get("GPSAltitude").asDouble()).isCloseTo(420, org.assertj.core.data.Offset.offset(0.01));
    assertThat(tags.has("ThumbnailLength")).as("the unredacted thumbnail is not carried along").isFalse();
    String validate = exiftool("-validate", "-warning", "-a", stored.image().fetch().toString());
    assertThat(validate).doesNotContain("Error");
  }
}
