package io.fieldcap.agent;

import io.fieldcap.model.Frame;

/** A frame with its pre-labels as JSON ({@code null} without a model), on its way to the spool writer. */
record Labeled(Frame frame, String labels) {}
