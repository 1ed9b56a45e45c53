package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.FrameQuality;
import java.util.Map;

/**
 * A frame with its pre-labels as JSON ({@code null} without a model), the number of detections per
 * class (empty without a model) and its quality, on its way to the spool writer.
 */
record Labeled(Frame frame, String labels, LabelSet set, Map<String, Integer> classes, FrameQuality quality) {}
