package io.fieldcap.geo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded NMEA log replayed by Debian's gpsfake (a real gpsd), the agent reading it over gpsd's
 * JSON protocol, and exiftool reading the GPS tags back from the stored JPEGs.
 */
class GeoIT {
  @TempDir Path tmp;

  @Test
  void givenMavlinkTelemetry_thenStoredJpegsCarryThePositionAndTheMetadataTheAttitude() throws Exception {
    int port = TestMedia.freePort();
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=drone-2", "source.uri=file://" + TestMedia.vtestMp4(10),
        "source.fps=2", "source.realtime=true", "spool.dir=" + tmp.resolve("spool-mav"), "geo.mavlink-port=" + port,
        "quality.duplicates=false")), InstantSource.system());
    agent.start();
    List<PendingFrame> frames;
    try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      io.dronefleet.mavlink.MavlinkConnection c = io.dronefleet.mavlink.MavlinkConnection.create(
          java.io.InputStream.nullInputStream(), out);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().pending() < 6) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        out.reset();
        c.send2(1, 1, io.dronefleet.mavlink.common.Attitude.builder().pitch((float) Math.toRadians(-90)).build());
        c.send2(1, 1, io.dronefleet.mavlink.common.GlobalPositionInt.builder().lat(-337000000).lon(-702500000)
            .alt(1_234_500).build());
        byte[] b = out.toByteArray();
        udp.send(new java.net.DatagramPacket(b, b.length, java.net.InetAddress.getLoopbackAddress(), port));
        Thread.sleep(200); // telemetry at 5 Hz
      }
      frames = agent.spool().takePending(100);
    } finally {
      agent.stop();
    }
    PendingFrame last = frames.get(frames.size() - 1);
    com.fasterxml.jackson.databind.JsonNode meta = Json.MAPPER.readTree(last.meta());
    assertThat(meta.at("/attitude/pitch").asDouble()).isCloseTo(-90, org.assertj.core.data.Offset.offset(1e-3));
    ChildProcess exif = ChildProcess.start(List.of("exiftool", "-n", "-s3", "-GPSLatitude", "-GPSLongitude",
        "-GPSAltitude", "-GPSLatitudeRef", last.file().toString()));
    assertThat(exif.waitFor(Duration.ofSeconds(30))).isZero();
    List<String> v = exif.output().lines().toList();
    assertThat(v).as(exif.output()).hasSize(4);
    assertThat(Double.parseDouble(v.get(0))).as("southern latitude, signed by its ref").isCloseTo(-33.7,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Double.parseDouble(v.get(1))).isCloseTo(-70.25, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Double.parseDouble(v.get(2))).isCloseTo(1234.5, org.assertj.core.data.Offset.offset(0.01));
    assertThat(v.get(3)).isEqualTo("S");
  }

  private static String nmea(String body) {
    int c = 0;
    for (char ch : body.toCharArray()) {
      c ^= ch;
    }
    return String.format("$%s*%02X", body, c);
  }

  @Test
  void givenGpsd_thenEveryStoredJpegCarriesThePositionInItsExif() throws Exception {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String t = String.format("1200%02d.00", i);
      log.append(nmea("GPGGA," + t + ",4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,")).append("\r\n");
      log.append(nmea("GPRMC," + t + ",A,4807.0380,N,01131.0000,E,000.0,000.0,291126,,,A")).append("\r\n");
    }
    Path nmea = Files.writeString(tmp.resolve("flight.nmea"), log);
    int port = TestMedia.freePort();
    try (ChildProcess gpsfake = ChildProcess.start(List.of("gpsfake", "-P", Integer.toString(port), "-c", "0.1", "-q",
        nmea.toString()))) {
      Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=drone", "source.uri=file://" + TestMedia.vtestMp4(10),
          "source.fps=2", "source.realtime=true", "spool.dir=" + tmp.resolve("spool"), "geo.gpsd=127.0.0.1:" + port,
          "quality.duplicates=false", "tags.site=field-7")), InstantSource.system());
      agent.start();
      List<PendingFrame> frames;
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (agent.spool().stats().pending() < 6) {
          assertThat(System.nanoTime()).as(gpsfake::output).isLessThan(deadline);
          Thread.sleep(200);
        }
        frames = agent.spool().takePending(100);
      } finally {
        agent.stop();
      }
      com.fasterxml.jackson.databind.JsonNode meta = Json.MAPPER.readTree(frames.get(frames.size() - 1).meta());
      assertThat(meta.at("/gps/lat").asDouble()).isCloseTo(48.1173, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(meta.at("/gps/alt").asDouble()).isCloseTo(545.4, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(meta.at("/tags/site").asText()).isEqualTo("field-7");
      List<String> cmd = new ArrayList<>(List.of("exiftool", "-n", "-s3", "-GPSLatitude", "-GPSLongitude",
          "-GPSAltitude", "-GPSDateStamp"));
      cmd.add(frames.get(frames.size() - 1).file().toString());
      ChildProcess exif = ChildProcess.start(cmd);
      assertThat(exif.waitFor(Duration.ofSeconds(30))).isZero();
      List<String> values = exif.output().lines().toList();
      assertThat(values).as(exif.output()).hasSize(4);
      assertThat(Double.parseDouble(values.get(0))).isCloseTo(48.1173, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(Double.parseDouble(values.get(1))).isCloseTo(11.516667, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(Double.parseDouble(values.get(2))).isCloseTo(545.4, org.assertj.core.data.Offset.offset(0.01));
      assertThat(values.get(3)).isEqualTo("2026:11:29");
      ChildProcess validate = ChildProcess.start(List.of("exiftool", "-validate", "-warning", "-a", "-s3",
          frames.get(frames.size() - 1).file().toString()));
      assertThat(validate.waitFor(Duration.ofSeconds(30))).isZero();
      assertThat(validate.output().trim()).as("exiftool's EXIF validation").isEqualTo("OK");
    }
  }
}
