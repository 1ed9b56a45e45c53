package io.fieldcap.protocol;

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
 * @param contentType {@code image/jpeg}
 * @param width image width in pixels
 * @param height image height in pixels
 * @param labels pre-labels and the model that made them, or {@code null}
 * @param meta free-form metadata (capture rule, tags, geotags), or {@code null}
 */
public record Manifest(
    int v, String frameId, String deviceId, Instant capturedAt, long seq, String sha256, long bytes, int chunkSize,
    int chunks, String contentType, int width, int height, LabelSet labels, Map<String, Object> meta) {

  public static final int VERSION = 1;

  public static int chunkCount(long bytes, int chunkSize) {
    return (int) Math.max(1, (bytes + chunkSize - 1) / chunkSize);
  }
}
