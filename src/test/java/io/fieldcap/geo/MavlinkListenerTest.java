package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dronefleet.mavlink.MavlinkConnection;
import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.GlobalPositionInt;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real MAVLink 2 packets over real UDP, as a flight controller or mavlink-router sends them. */
class MavlinkListenerTest {
  private static byte[] packet(Object payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MavlinkConnection.create(InputStream.nullInputStream(), out).send2(1, 1, payload);
    return out.toByteArray();
  }

  @Test
  void givenPositionAndAttitude_thenTheLatestFixCarriesBoth() throws Exception {
    try (MavlinkListener l = new MavlinkListener(0); DatagramSocket s = new DatagramSocket()) {
      assertThat(l.latest(Duration.ofSeconds(5))).as("nothing yet").isNull();
      byte[] attitude = packet(Attitude.builder().roll((float) Math.toRadians(2)).pitch((float) Math.toRadians(-90))
          .yaw((float) Math.toRadians(45)).build());
      byte[] position = packet(GlobalPositionInt.builder().lat(481173000).lon(115166667).alt(612_500)
          .relativeAlt(120_000).build());
      byte[] garbage = {1, 2, 3, (byte) 0xFD, 9};
      for (byte[] b : new byte[][] {garbage, attitude, position}) {
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), l.port()));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      Fix f;
      while ((f = l.latest(Duration.ofSeconds(5))) == null) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(f.lat()).isCloseTo(48.1173, within(1e-7));
      assertThat(f.lon()).isCloseTo(11.5166667, within(1e-7));
      assertThat(f.alt()).as("metres above mean sea level").isCloseTo(612.5, within(1e-9));
      assertThat(f.roll()).isCloseTo(2, within(1e-4));
      assertThat(f.pitch()).as("camera pointing down").isCloseTo(-90, within(1e-4));
      assertThat(f.yaw()).isCloseTo(45, within(1e-4));
      Thread.sleep(150);
      assertThat(l.latest(Duration.ofMillis(100))).as("stale after max-age").isNull();
    }
  }
}
