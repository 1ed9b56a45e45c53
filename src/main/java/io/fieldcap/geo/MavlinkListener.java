package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import io.dronefleet.mavlink.MavlinkConnection;
import io.dronefleet.mavlink.MavlinkMessage;
import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.GlobalPositionInt;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for MAVLink telemetry on a UDP port, as a ground station does (flight controllers and
 * companion routers such as mavlink-router send to 14550): GLOBAL_POSITION_INT gives the position
 * (altitude above mean sea level), ATTITUDE the roll, pitch and yaw. MAVLink 1 and 2 are both read.
 * The fix's time is when the position arrived (MAVLink positions carry time since boot, not UTC).
 */
public final class MavlinkListener implements PositionSource {
  private static final Logger log = LoggerFactory.getLogger(MavlinkListener.class);

  private final DatagramSocket socket;
  private final Thread thread;
  private final Latest latest = new Latest();
  private volatile Attitude attitude;

  public MavlinkListener(int port) throws SocketException {
    socket = new DatagramSocket(null);
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(port));
    thread = new Thread(this::run, "mavlink");
    thread.setDaemon(true);
    thread.start();
    log.info("mavlink: listening on UDP port {}", socket.getLocalPort());
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public Fix latest(Duration maxAge) {
    return latest.within(maxAge);
  }

  private void run() {
    byte[] buf = new byte[2048];
    boolean first = true;
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        return; // closed
      }
      MavlinkConnection c = MavlinkConnection.create(new ByteArrayInputStream(buf, 0, p.getLength()),
          OutputStream.nullOutputStream());
      try {
        for (MavlinkMessage<?> m; (m = c.next()) != null; ) {
          Object payload = m.getPayload();
          if (payload instanceof Attitude a) {
            attitude = a;
          } else if (payload instanceof GlobalPositionInt g) {
            Attitude a = attitude;
            latest.set(new Fix(g.lat() / 1e7, g.lon() / 1e7, g.alt() / 1000.0, Instant.now(),
                a == null ? Double.NaN : Math.toDegrees(a.roll()), a == null ? Double.NaN : Math.toDegrees(a.pitch()),
                a == null ? Double.NaN : Math.toDegrees(a.yaw())));
            if (first) {
              log.info("mavlink: first position from system {}", m.getOriginSystemId());
              first = false;
            }
          }
        }
      } catch (EOFException e) {
        // end of this datagram
      } catch (IOException | RuntimeException e) {
        log.debug("mavlink: unreadable datagram: {}", e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    thread.interrupt();
  }
}
