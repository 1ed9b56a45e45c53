package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.FrameQuality;

/**
 * A frame with its pre-labels ({@code null} without a model, or when inference failed) and its
 * quality, on its way from the labeler to selection. Labels stay objects until the write stage
 * encodes them, once, into the spool.
 */
record Labeled(Frame frame, LabelSet labels, FrameQuality quality) {}
