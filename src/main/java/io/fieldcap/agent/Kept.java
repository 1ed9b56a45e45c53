package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;

/**
 * A frame selection kept: why ({@code rule}) and how much it matters ({@code priority}, for
 * eviction), its labels, and whether redaction changed its pixels (then it must be encoded again
 * rather than stored as the photo it came from).
 */
record Kept(Frame frame, LabelSet labels, String rule, int priority, boolean redacted) {
  /** This frame after redaction: its labels (with any faces found) and whether its pixels changed. */
  Kept redacted(LabelSet labels, boolean changed) {
    return new Kept(frame, labels, rule, priority, changed);
  }
}
