package io.fieldcap.capture;

import io.fieldcap.model.Frame;

/** Where captured frames go. Calls come from the capture thread and must not block. */
public interface FrameSink {
  /** Takes a frame, or drops and counts it when full. */
  void accept(Frame frame);

  /** A source item could not be taken (for example a corrupt image in a folder); count it by reason. */
  void skipped(String origin, String reason);
}
