package io.fieldcap.spool;

import io.fieldcap.model.FrameId;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A stored frame handed to sync.
 *
 * @param file the image, absolute
 * @param labels pre-labels as JSON, or {@code null}
 * @param reason why the frame was kept (the capture rule)
 * @param meta more about the frame as a JSON object (position, tags), or {@code null}
 */
public record PendingFrame(
    FrameId id, long seq, Instant capturedAt, int width, int height, Path file, long bytes, String sha256,
    String labels, int priority, String reason, String meta) {}
