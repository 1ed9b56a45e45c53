package io.fieldcap.agent;

import io.fieldcap.geo.Exif;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.image.PhotoExif;
import io.fieldcap.json.Json;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Frame;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.Photo;
import io.fieldcap.spool.SpoolEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoding half of the write stage: turns a kept frame into the entry the spool stores. The JPEG
 * (with its position as EXIF GPS), the labels as JSON and the metadata (position, attitude, the
 * config's tags) as JSON: the one place where a frame's labels and metadata become bytes. From here
 * on, through the spool and onto the wire, they travel as these bytes.
 */
final class FrameEncoder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrameEncoder.class);

  private final JpegEncoder encoder;
  private final int jpegQuality;
  private final boolean geoOverride;
  private final Map<String, String> tags;
  private final String tagsOnly;

  FrameEncoder(JpegEncoder encoder, int jpegQuality, boolean geoOverride, Map<String, String> tags) {
    this.encoder = encoder;
    this.jpegQuality = jpegQuality;
    this.geoOverride = geoOverride;
    this.tags = tags;
    this.tagsOnly = tags.isEmpty() ? null : new String(Json.encode(Map.of("tags", tags)), StandardCharsets.UTF_8);
  }

  /** The spool entry for {@code k}: JPEG, labels and metadata encoded. */
  SpoolEntry encode(Kept k) {
    Frame f = k.frame();
    Photo photo = f.photo();
    // the position: sampled when the frame was captured; a photo's own wins unless geo.override
    Fix fix = photo != null && photo.gps() != null && !(geoOverride && f.position() != null) ? photo.gps() : f.position();
    byte[] jpeg = jpeg(f, k.redacted(), fix);
    String labels = k.labels() == null ? null : new String(Json.encode(k.labels()), StandardCharsets.UTF_8);
    return new SpoolEntry(FrameId.of(f.capturedAt(), f.seq()), f.seq(), f.capturedAt(), f.width(), f.height(), jpeg,
        f.sourceItem(), k.priority(), k.rule(), labels, meta(fix));
  }

  /** The name of the JPEG encoder in use. */
  String name() {
    return encoder.name();
  }

  /** The frame's metadata: its position and the config's tags; null when there is neither. */
  private String meta(Fix fix) {
    if (fix == null) {
      return tagsOnly; // the same for every frame without a position
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> gps = new LinkedHashMap<>();
    gps.put("lat", fix.lat());
    gps.put("lon", fix.lon());
    if (!Double.isNaN(fix.alt())) {
      gps.put("alt", fix.alt());
    }
    if (fix.time() != null) {
      gps.put("time", fix.time().toString());
    }
    m.put("gps", gps);
    if (!Double.isNaN(fix.roll())) {
      m.put("attitude", Map.of("roll", fix.roll(), "pitch", fix.pitch(), "yaw", fix.yaw()));
    }
    if (!tags.isEmpty()) {
      m.put("tags", tags);
    }
    return new String(Json.encode(m), StandardCharsets.UTF_8);
  }

  /**
   * The bytes to store. A photo from a folder whose pixels did not change is stored as it is, byte for
   * byte (or, when it needs another position, with only its EXIF rewritten); a changed (redacted) or
   * rotated photo is encoded again with its camera's EXIF merged in; a frame from a camera or stream
   * is encoded, with the position as EXIF GPS.
   */
  private byte[] jpeg(Frame f, boolean changed, Fix fix) {
    Photo photo = f.photo();
    try {
      if (photo != null && !changed && photo.upright()) {
        return fix == null || fix == photo.gps() ? photo.jpeg() : PhotoExif.withGps(photo.jpeg(), fix);
      }
      byte[] jpeg = encoder.encode(f.width(), f.height(), f.bgr(), jpegQuality);
      if (photo != null) {
        return PhotoExif.mergeInto(photo.jpeg(), jpeg, fix);
      }
      return fix == null ? jpeg : Exif.withGps(jpeg, fix);
    } catch (IOException e) {
      // the EXIF could not be rewritten: the pixels matter more than the metadata
      log.warn("frame {}: could not write its EXIF ({}); stored without it", f.seq(), e.getMessage());
      return encoder.encode(f.width(), f.height(), f.bgr(), jpegQuality);
    }
  }

  @Override
  public void close() {
    encoder.close();
  }
}
