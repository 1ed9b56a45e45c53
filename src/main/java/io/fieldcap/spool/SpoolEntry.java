package io.fieldcap.spool;

import io.fieldcap.model.FrameId;
import java.time.Instant;

/**
 * A kept frame, encoded, on its way into the spool.
 *
 * @param sourceItem the source item the frame was taken from, recorded so that it is taken once;
 *     {@code null} for streams
 * @param priority higher survives eviction longer (set by the capture rule that kept the frame)
 * @param reason why the frame was kept (the rule's name)
 * @param labels pre-labels as JSON, or {@code null}
 * @param meta more about the frame as a JSON object (position, the config's tags), or {@code null}
 */
public record SpoolEntry(
    FrameId id, long seq, Instant capturedAt, int width, int height, byte[] jpeg,
    String sourceItem, int priority, String reason, String labels, String meta) {

  public SpoolEntry(FrameId id, long seq, Instant capturedAt, int width, int height, byte[] jpeg, String sourceItem,
      int priority, String reason, String labels) {
    this(id, seq, capturedAt, width, height, jpeg, sourceItem, priority, reason, labels, null);
  }
}
