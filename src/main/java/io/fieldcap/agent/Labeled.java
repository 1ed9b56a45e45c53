package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.FrameQuality;

/**
 * A frame with its pre-labels, as JSON and as read ({@code null} without a model), and its quality, on
 * its way to the spool writer.
 */
record Labeled(Frame frame, String labels, LabelSet set, FrameQuality quality) {}
