package io.fieldcap.inference;

import io.fieldcap.model.LabelSet;

/** Pre-labels frames. Lifecycle: built by {@link OnnxDetector#open}, used from one thread, closed once. */
public interface Detector extends AutoCloseable {
  /** Detections in pixels of the frame given as packed BGR. */
  LabelSet detect(int width, int height, byte[] bgr) throws ModelException;

  ModelInfo info();

  @Override
  void close();
}
