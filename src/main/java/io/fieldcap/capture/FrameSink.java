package io.fieldcap.capture;

import io.fieldcap.model.Frame;

/**
 * Where captured frames go; called on the capture thread. For a live source (a camera, a stream) the
 * sink must not block: it drops and counts a frame it cannot take, so that capture keeps the source's
 * pace. For a folder or a clip read as fast as possible it may block until the pipeline has room:
 * nothing is lost by waiting, and dropping would skip input for good.
 */
public interface FrameSink {
  /** Takes a frame: from a live source, or drops and counts it when full; from a folder or clip, waiting for room. */
  void accept(Frame frame);

  /** A source item could not be taken (for example a corrupt image in a folder); count it by reason. */
  void skipped(String origin, String reason);
}
