package io.fieldcap.image;

import io.fieldcap.model.Fix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.common.ImageMetadata;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.JpegImageMetadata;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.TiffField;
import org.apache.commons.imaging.formats.tiff.TiffImageMetadata;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputField;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * What a camera wrote into a photo's EXIF that fieldcap keeps: when it was taken, where, and how it
 * is oriented; and the two ways of writing EXIF without losing it: into the same photo without
 * touching its pixels ({@link #withGps}), and into a re-encoded copy of it ({@link #mergeInto}),
 * where only the camera's description of the shot is copied (make, model, lens, exposure, time,
 * GPS): never a thumbnail or maker notes, which would carry the unredacted picture along.
 *
 * @param takenAt when the photo was taken: {@code DateTimeOriginal} with {@code OffsetTimeOriginal};
 *     without an offset, the GPS date and time stamps (UTC) when present, else {@code
 *     DateTimeOriginal} read as UTC; null when the photo has neither
 * @param gps the photo's own position, or null
 * @param orientation the EXIF orientation (1: as stored)
 */
public record PhotoExif(Instant takenAt, Fix gps, int orientation) {
  private static final DateTimeFormatter EXIF_TIME = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");
  private static final int OFFSET_TIME_ORIGINAL = 0x9011;
  private static final PhotoExif NONE = new PhotoExif(null, null, 1);

  /** Camera description tags copied into a re-encoded photo, by directory. */
  private static final int[] ROOT_TAGS = {TiffTagConstants.TIFF_TAG_MAKE.tag, TiffTagConstants.TIFF_TAG_MODEL.tag,
      TiffTagConstants.TIFF_TAG_SOFTWARE.tag, TiffTagConstants.TIFF_TAG_DATE_TIME.tag};
  private static final int[] EXIF_TAGS = {ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL.tag,
      ExifTagConstants.EXIF_TAG_DATE_TIME_DIGITIZED.tag, OFFSET_TIME_ORIGINAL, 0x9010 /* OffsetTime */,
      0x9012 /* OffsetTimeDigitized */, ExifTagConstants.EXIF_TAG_SUB_SEC_TIME_ORIGINAL.tag,
      ExifTagConstants.EXIF_TAG_EXPOSURE_TIME.tag, ExifTagConstants.EXIF_TAG_FNUMBER.tag,
      ExifTagConstants.EXIF_TAG_EXPOSURE_PROGRAM.tag, ExifTagConstants.EXIF_TAG_ISO.tag,
      ExifTagConstants.EXIF_TAG_EXPOSURE_COMPENSATION.tag, ExifTagConstants.EXIF_TAG_METERING_MODE.tag,
      ExifTagConstants.EXIF_TAG_FLASH.tag, ExifTagConstants.EXIF_TAG_FOCAL_LENGTH.tag,
      ExifTagConstants.EXIF_TAG_FOCAL_LENGTH_IN_35MM_FORMAT.tag, ExifTagConstants.EXIF_TAG_WHITE_BALANCE_1.tag,
      ExifTagConstants.EXIF_TAG_LENS_MAKE.tag, ExifTagConstants.EXIF_TAG_LENS_MODEL.tag,
      0xA432 /* LensSpecification */};

  /** Reads a JPEG's EXIF; a photo without EXIF, or one that cannot be parsed, gives nothing (never an error). */
  public static PhotoExif read(byte[] jpeg) {
    TiffImageMetadata exif = exif(jpeg);
    if (exif == null) {
      return NONE;
    }
    try {
      Fix gps = gps(exif);
      return new PhotoExif(takenAt(exif, gps), gps, orientation(exif));
    } catch (ImagingException | RuntimeException e) {
      return NONE;
    }
  }

  private static TiffImageMetadata exif(byte[] jpeg) {
    try {
      ImageMetadata md = Imaging.getMetadata(jpeg);
      return md instanceof JpegImageMetadata j ? j.getExif() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Instant takenAt(TiffImageMetadata exif, Fix gps) throws ImagingException {
    TiffField original = exif.findField(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL);
    LocalDateTime local = null;
    if (original != null) {
      try {
        local = LocalDateTime.parse(original.getStringValue().trim(), EXIF_TIME);
      } catch (DateTimeParseException e) {
        local = null;
      }
    }
    String offset = null;
    for (TiffField f : exif.getAllFields()) {
      if (f.getTag() == OFFSET_TIME_ORIGINAL) {
        offset = f.getStringValue().trim();
      }
    }
    if (local != null && offset != null && offset.matches("[+-]\\d{2}:\\d{2}")) {
      return local.toInstant(ZoneOffset.of(offset));
    }
    if (gps != null && gps.time() != null) {
      return gps.time();
    }
    return local == null ? null : local.toInstant(ZoneOffset.UTC);
  }

  private static Fix gps(TiffImageMetadata exif) throws ImagingException {
    TiffImageMetadata.GpsInfo g = exif.getGpsInfo();
    if (g == null) {
      return null;
    }
    double alt = Double.NaN;
    TiffField a = exif.findField(GpsTagConstants.GPS_TAG_GPS_ALTITUDE);
    if (a != null) {
      alt = a.getDoubleValue();
      TiffField ref = exif.findField(GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF);
      if (ref != null && ref.getIntValue() == 1) {
        alt = -alt;
      }
    }
    Instant time = null;
    TiffField date = exif.findField(GpsTagConstants.GPS_TAG_GPS_DATE_STAMP);
    TiffField stamp = exif.findField(GpsTagConstants.GPS_TAG_GPS_TIME_STAMP);
    if (date != null && stamp != null && stamp.getValue() instanceof RationalNumber[] hms && hms.length == 3) {
      try {
        LocalDate d = LocalDate.parse(date.getStringValue().trim(), DateTimeFormatter.ofPattern("yyyy:MM:dd"));
        long nanos = Math.round((hms[0].doubleValue() * 3600 + hms[1].doubleValue() * 60 + hms[2].doubleValue()) * 1e9);
        time = d.atStartOfDay().toInstant(ZoneOffset.UTC).plusNanos(nanos);
      } catch (DateTimeParseException e) {
        time = null;
      }
    }
    return new Fix(g.getLatitudeAsDegreesNorth(), g.getLongitudeAsDegreesEast(), alt, time);
  }

  private static int orientation(TiffImageMetadata exif) throws ImagingException {
    TiffField o = exif.findField(TiffTagConstants.TIFF_TAG_ORIENTATION);
    return o == null ? 1 : o.getIntValue();
  }

  /** {@code jpeg} with its GPS replaced by (or set to) {@code fix}, everything else, pixels included, as it was. */
  public static byte[] withGps(byte[] jpeg, Fix fix) throws IOException {
    TiffImageMetadata exif = exif(jpeg);
    TiffOutputSet out = exif == null ? new TiffOutputSet() : exif.getOutputSet();
    setGps(out, fix);
    ByteArrayOutputStream b = new ByteArrayOutputStream(jpeg.length + 1024);
    new ExifRewriter().updateExifMetadataLossless(jpeg, b, out);
    return b.toByteArray();
  }

  /**
   * {@code encoded} (a re-encoded, upright copy of {@code original}) with the camera's description of
   * the shot copied from {@code original}, and {@code gps} as its position when not null. No
   * thumbnail, maker notes or orientation are copied.
   */
  public static byte[] mergeInto(byte[] original, byte[] encoded, Fix gps) throws IOException {
    TiffImageMetadata exif = exif(original);
    TiffOutputSet out = new TiffOutputSet(exif == null ? ByteOrder.BIG_ENDIAN : exif.contents.header.byteOrder);
    if (exif != null) {
      TiffOutputSet src = exif.getOutputSet();
      copy(src.getRootDirectory(), out.getOrCreateRootDirectory(), ROOT_TAGS);
      copy(src.getExifDirectory(), out.getOrCreateExifDirectory(), EXIF_TAGS);
      if (gps == null && src.getGpsDirectory() != null) {
        TiffOutputDirectory g = out.getOrCreateGpsDirectory();
        for (TiffOutputField f : src.getGpsDirectory().getFields()) {
          g.add(f);
        }
      }
    }
    if (gps != null) {
      setGps(out, gps);
    }
    if (out.getDirectories().isEmpty()) {
      return encoded;
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream(encoded.length + 4096);
    new ExifRewriter().updateExifMetadataLossless(encoded, b, out);
    return b.toByteArray();
  }

  private static void copy(TiffOutputDirectory from, TiffOutputDirectory to, int[] tags) {
    if (from == null) {
      return;
    }
    for (int tag : tags) {
      TiffOutputField f = from.findField(tag);
      if (f != null) {
        to.removeField(tag);
        to.add(f);
      }
    }
  }

  private static void setGps(TiffOutputSet out, Fix fix) throws ImagingException {
    out.setGpsInDegrees(fix.lon(), fix.lat());
    TiffOutputDirectory g = out.getOrCreateGpsDirectory();
    g.removeField(GpsTagConstants.GPS_TAG_GPS_ALTITUDE);
    g.removeField(GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF);
    if (!Double.isNaN(fix.alt())) {
      g.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF, (byte) (fix.alt() < 0 ? 1 : 0));
      g.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE, RationalNumber.valueOf(Math.abs(fix.alt())));
    }
  }
}
