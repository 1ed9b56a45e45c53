package io.fieldcap.geo;

import java.time.Instant;

/**
 * A GPS position.
 *
 * @param lat latitude in degrees, north positive
 * @param lon longitude in degrees, east positive
 * @param alt altitude above mean sea level in metres, or NaN when the receiver has no 3D fix
 * @param time the receiver's UTC time of the fix
 */
public record Fix(double lat, double lon, double alt, Instant time) {}
