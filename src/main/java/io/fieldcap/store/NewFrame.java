package io.fieldcap.store;

import io.fieldcap.model.LabelSet;
import java.time.Instant;
import java.util.Map;

/**
 * A verified frame to be stored: what its row holds besides the image and the time it arrived.
 * Ingest makes one from a device's manifest once its bytes are checked; imports make one for frames
 * of a named source.
 *
 * @param labels the pre-labels, or null
 * @param meta free-form metadata (capture rule, tags, geotags), or null
 */
public record NewFrame(String device, String frameId, long seq, Instant capturedAt, String sha256, long bytes,
    String contentType, int width, int height, LabelSet labels, Map<String, Object> meta) {}
