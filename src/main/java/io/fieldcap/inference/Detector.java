package io.fieldcap.inference;

import io.fieldcap.model.LabelSet;

/** Pre-labels frames. Lifecycle: built by {@link OnnxDetector#open}, used from one thread, closed once. */
public interface Detector extends AutoCloseable {
  /** A frame resized and converted into one of the detector's input buffers, waiting for {@link #infer}. */
  interface Prepared {}

  /** Detections in pixels of the frame given as packed BGR. */
  default LabelSet detect(int width, int height, byte[] bgr) throws ModelException {
    try {
      return infer(prepare(width, height, bgr));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while preparing a frame", e);
    }
  }

  /**
   * Preprocesses a frame into a free input buffer. May run on another thread than {@link #infer},
   * so that preparing the next frame overlaps inference of this one; blocks while every buffer is
   * waiting for inference.
   */
  Prepared prepare(int width, int height, byte[] bgr) throws InterruptedException;

  /** Runs the model on a prepared frame and decodes its output; frees the buffer. */
  LabelSet infer(Prepared frame) throws ModelException;

  ModelInfo info();

  @Override
  void close();
}
