package io.fieldcap.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fieldcap.model.LabelSet;
import java.time.Instant;
import java.util.Map;

/**
 * Everything about a frame except its bytes, sent first. Version 1.
 *
 * @param v protocol version, 1
 * @param frameId unique per device, stable across retries
 * @param deviceId the sending device (must match the topic)
 * @param capturedAt capture time (UTC)
 * @param seq per-device sequence number
 * @param sha256 hex SHA-256 of the image bytes
 * @param bytes image size
 * @param chunkSize bytes per chunk (the last may be shorter)
 * @param chunks number of chunks, {@code ceil(bytes / chunkSize)}
 * @param contentType {@code image/jpeg}, or {@code video/mp4} for an event clip
 * @param width image width in pixels
 * @param height image height in pixels
 * @param labels pre-labels and the model that made them, or {@code null}
 * @param meta free-form metadata (capture rule, tags, geotags), or {@code null}
 * @param labelsBytes when the labels are too large for the manifest message (semantic masks), the
 *     size of their JSON, sent after the image's bytes in the same chunked transfer; {@code labels}
 *     is then null. 0 when the labels, if any, are in the manifest
 * @param labelsSha256 hex SHA-256 of the labels' JSON sent in the transfer, with {@code labelsBytes}
 */
public record Manifest(
    int v, String frameId, String deviceId, Instant capturedAt, long seq, String sha256, long bytes, int chunkSize,
    int chunks, String contentType, int width, int height, LabelSet labels, Map<String, Object> meta,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long labelsBytes, String labelsSha256) {

  public static final int VERSION = 1;
  /** The content type of a frame. */
  public static final String IMAGE_TYPE = "image/jpeg";
  /**
   * The content type of an event clip: an MP4 (H.264) whose frame-by-frame labels ({@code model.ClipLabels})
   * travel after it ({@code labelsBytes}), with {@code meta.clip} (fps, frames, trigger, start, end).
   */
  public static final String CLIP_TYPE = "video/mp4";

  /** A manifest whose labels, if any, travel in it. */
  public Manifest(int v, String frameId, String deviceId, Instant capturedAt, long seq, String sha256, long bytes,
      int chunkSize, int chunks, String contentType, int width, int height, LabelSet labels, Map<String, Object> meta) {
    this(v, frameId, deviceId, capturedAt, seq, sha256, bytes, chunkSize, chunks, contentType, width, height, labels,
        meta, 0, null);
  }

  /** The bytes the chunks carry: the image, then the labels' JSON when they travel in the transfer. */
  public long transferBytes() {
    return bytes + labelsBytes;
  }

  /** This manifest with the labels that came in its transfer put in place. */
  public Manifest withLabels(LabelSet received) {
    return new Manifest(v, frameId, deviceId, capturedAt, seq, sha256, bytes, chunkSize, chunks, contentType, width,
        height, received, meta);
  }

  public static int chunkCount(long bytes, int chunkSize) {
    return (int) Math.max(1, (bytes + chunkSize - 1) / chunkSize);
  }
}
