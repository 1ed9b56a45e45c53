package io.fieldcap.store;

import io.fieldcap.model.LabelSet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A frame in the dataset, as export reads it. */
public record StoredFrame(
    String device, String frameId, long seq, Instant capturedAt, String sha256, long bytes, int width, int height,
    LabelSet labels, Map<String, Object> meta, Path image, Instant receivedAt) {}
