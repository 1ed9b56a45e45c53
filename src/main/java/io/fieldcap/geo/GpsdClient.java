package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows gpsd's JSON protocol (TCP, port 2947 by default): asks for a watch, keeps the latest TPV
 * report with a 2D or 3D fix, reconnects with backoff when gpsd goes away. One log line per state
 * change. {@link #latest(Duration)} never blocks.
 */
public final class GpsdClient implements PositionSource {
  private static final Logger log = LoggerFactory.getLogger(GpsdClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String host;
  private final int port;
  private final Thread thread;
  private final Latest latest = new Latest();
  private volatile boolean running = true;
  private volatile Socket socket;

  public GpsdClient(String host, int port) {
    this.host = host;
    this.port = port;
    this.thread = new Thread(this::run, "gpsd");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Fix latest(Duration maxAge) {
    return latest.within(maxAge);
  }

  private void run() {
    long backoff = 500;
    boolean announced = false;
    while (running) {
      try (Socket s = new Socket()) {
        socket = s;
        s.connect(new InetSocketAddress(host, port), 5000);
        OutputStream out = s.getOutputStream();
        out.write("?WATCH={\"enable\":true,\"json\":true};\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        log.info("gpsd: connected to {}:{}", host, port);
        announced = false;
        backoff = 500;
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        for (String line; running && (line = in.readLine()) != null; ) {
          Fix f = parse(line);
          if (f != null) {
            latest.set(f);
          }
        }
      } catch (IOException e) {
        if (running && !announced) {
          log.warn("gpsd: {}:{} unavailable ({}); frames are stored without a position until it is back", host, port,
              e.getMessage());
          announced = true;
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(30_000, backoff * 2);
    }
  }

  /** A fix from one line of gpsd output, or null when the line is not a TPV report with a 2D/3D fix. */
  static Fix parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (!"TPV".equals(n.path("class").asText()) || n.path("mode").asInt(0) < 2 || !n.has("lat") || !n.has("lon")) {
        return null;
      }
      JsonNode alt = n.has("altMSL") ? n.get("altMSL") : n.get("alt");
      double a = n.path("mode").asInt() >= 3 && alt != null && alt.isNumber() ? alt.asDouble() : Double.NaN;
      Instant time = n.has("time") ? Instant.parse(n.get("time").asText()) : Instant.now();
      return new Fix(n.get("lat").asDouble(), n.get("lon").asDouble(), a, time);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    running = false;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    thread.interrupt();
  }
}
