package io.fieldcap.config;

import java.time.Duration;

/**
 * Where positions come from.
 *
 * @param gpsdHost gpsd's host, or null for no GPS
 * @param gpsdPort gpsd's port (2947 by default)
 * @param maxAge a fix older than this is not written into frames
 * @param mavlinkPort the UDP port on which MAVLink telemetry arrives, or 0 for none
 * @param override whether the live position replaces the GPS a photo from a folder already carries
 *     (by default the photo's own GPS wins: it was taken where the photo was)
 */
public record GeoConfig(String gpsdHost, int gpsdPort, Duration maxAge, int mavlinkPort, boolean override) {
  public static GeoConfig none() {
    return new GeoConfig(null, 2947, Duration.ofSeconds(5), 0, false);
  }
}
