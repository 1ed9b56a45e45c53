package io.fieldcap.model;

import java.time.Instant;

/**
 * A GPS position.
 *
 * @param lat latitude in degrees, north positive
 * @param lon longitude in degrees, east positive
 * @param alt altitude above mean sea level in metres, or NaN when the receiver has no 3D fix
 * @param time the receiver's UTC time of the fix
 * @param roll the vehicle's roll in degrees, or NaN (a camera on a drone: MAVLink ATTITUDE)
 * @param pitch pitch in degrees, or NaN
 * @param yaw yaw in degrees, or NaN
 */
public record Fix(double lat, double lon, double alt, Instant time, double roll, double pitch, double yaw) {

  /** A position without attitude (a GPS receiver). */
  public Fix(double lat, double lon, double alt, Instant time) {
    this(lat, lon, alt, time, Double.NaN, Double.NaN, Double.NaN);
  }
}
