package io.fieldcap.model;

import java.util.List;

/**
 * The pre-labels of one frame and the model that made them.
 *
 * @param model the model's name (file name or metadata), or {@code null} when labels came from elsewhere
 */
public record LabelSet(String model, List<Detection> detections) {
  public LabelSet {
    detections = List.copyOf(detections);
  }
}
