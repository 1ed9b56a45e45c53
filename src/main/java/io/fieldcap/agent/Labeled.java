package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.FrameQuality;

/**
 * A frame with its pre-labels ({@code null} without a model, or when inference failed) and its
 * quality, on its way from the labeler to selection. Labels stay objects until the write stage
 * encodes them, once, into the spool. {@code ended} are the tracks that ended as this frame was
 * tracked (their best shots are due).
 */
record Labeled(Frame frame, LabelSet labels, FrameQuality quality, long[] ended) {
  Labeled(Frame frame, LabelSet labels, FrameQuality quality) {
    this(frame, labels, quality, new long[0]);
  }
}
