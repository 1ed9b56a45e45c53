package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;

/**
 * Writes an EXIF APP1 segment with the GPS tags photogrammetry and GIS tools read (GPSVersionID,
 * latitude and longitude with their references, altitude with its reference, GPS time and date) into
 * a JPEG, after its JFIF APP0 segment when it has one. Big-endian TIFF, one IFD0 entry pointing at
 * the GPS IFD.
 */
public final class Exif {
  private Exif() {}

  private static final int ASCII = 2;
  private static final int BYTE = 1;
  private static final int SHORT = 3;
  private static final int LONG = 4;
  private static final int RATIONAL = 5;

  /** {@code jpeg} with a GPS EXIF segment for {@code fix}. */
  public static byte[] withGps(byte[] jpeg, Fix fix) {
    if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG (no start-of-image marker)");
    }
    byte[] app1 = app1(fix);
    int at = 2;
    if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) { // JFIF APP0 first, as JFIF wants
      at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
    }
    byte[] out = new byte[jpeg.length + app1.length];
    System.arraycopy(jpeg, 0, out, 0, at);
    System.arraycopy(app1, 0, out, at, app1.length);
    System.arraycopy(jpeg, at, out, at + app1.length, jpeg.length - at);
    return out;
  }

  private static byte[] app1(Fix fix) {
    boolean hasAlt = !Double.isNaN(fix.alt());
    ZonedDateTime t = fix.time().atZone(ZoneOffset.UTC);
    byte[] date = String.format("%04d:%02d:%02d\0", t.getYear(), t.getMonthValue(), t.getDayOfMonth())
        .getBytes(StandardCharsets.US_ASCII);
    int entries = hasAlt ? 9 : 7;
    // layout: TIFF header (8), IFD0 (2 + 5 x 12 + 4) and its two resolutions (16), GPS IFD (2 + 12n + 4),
    // then the GPS values that do not fit in 4 bytes. IFD0 holds what EXIF requires of it, so validators are content
    int gpsIfd = 8 + 66 + 16;
    int data = gpsIfd + 2 + 12 * entries + 4;
    ByteBuffer tiff = ByteBuffer.allocate(data + 3 * 8 * 3 + 8 + date.length);
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
    tiff.putShort((short) 5);
    entry(tiff, 0x011A, RATIONAL, 1, 8 + 66); // XResolution 72
    entry(tiff, 0x011B, RATIONAL, 1, 8 + 66 + 8); // YResolution 72
    tiff.putShort((short) 0x0128).putShort((short) SHORT).putInt(1).putShort((short) 2).putShort((short) 0); // inches
    tiff.putShort((short) 0x0213).putShort((short) SHORT).putInt(1).putShort((short) 1).putShort((short) 0); // centred
    entry(tiff, 0x8825, LONG, 1, gpsIfd);
    tiff.putInt(0);
    tiff.putInt(72).putInt(1).putInt(72).putInt(1);
    tiff.putShort((short) entries);
    int next = data;
    ByteBuffer values = ByteBuffer.allocate(tiff.capacity() - data);
    tiff.putShort((short) 0x0000).putShort((short) BYTE).putInt(4).put(new byte[] {2, 3, 0, 0});
    entry(tiff, 0x0001, ASCII, 2, (fix.lat() >= 0 ? 'N' : 'S') << 24);
    entry(tiff, 0x0002, RATIONAL, 3, next);
    next += dms(values, Math.abs(fix.lat()));
    entry(tiff, 0x0003, ASCII, 2, (fix.lon() >= 0 ? 'E' : 'W') << 24);
    entry(tiff, 0x0004, RATIONAL, 3, next);
    next += dms(values, Math.abs(fix.lon()));
    if (hasAlt) {
      tiff.putShort((short) 0x0005).putShort((short) BYTE).putInt(1).put((byte) (fix.alt() < 0 ? 1 : 0)).put(new byte[3]);
      entry(tiff, 0x0006, RATIONAL, 1, next);
      values.putInt((int) Math.round(Math.abs(fix.alt()) * 100)).putInt(100);
      next += 8;
    }
    entry(tiff, 0x0007, RATIONAL, 3, next);
    values.putInt(t.getHour()).putInt(1).putInt(t.getMinute()).putInt(1)
        .putInt(t.getSecond() * 1000 + t.getNano() / 1_000_000).putInt(1000);
    next += 24;
    entry(tiff, 0x001D, ASCII, date.length, next);
    values.put(date);
    tiff.putInt(0);
    tiff.put(values.array(), 0, values.position());
    byte[] body = Arrays.copyOf(tiff.array(), tiff.position());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int length = 2 + 6 + body.length;
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
  }

  /** Degrees, minutes and seconds as three rationals (seconds to 1/10000); returns the bytes written. */
  private static int dms(ByteBuffer b, double deg) {
    int d = (int) deg;
    double m = (deg - d) * 60;
    int mi = (int) m;
    long s = Math.round((m - mi) * 60 * 10000);
    b.putInt(d).putInt(1).putInt(mi).putInt(1).putInt((int) s).putInt(10000);
    return 24;
  }
}
