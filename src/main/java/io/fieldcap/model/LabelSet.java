package io.fieldcap.model;

import java.util.List;

/**
 * The pre-labels of one frame and the model that made them.
 *
 * @param model the model's name (file name or metadata), or {@code null} when labels came from elsewhere
 * @param version which weights of that model: the first 12 hex digits of the model file's SHA-256, so
 *     that retrained weights under the same file name are told apart; null when unknown (labels from
 *     agents before this field, or from elsewhere). Servers that do not know the field ignore it.
 * @param margin semantic segmentation models: the mean, over the frame's pixels, of the margin
 *     between the probabilities of the two likeliest classes (0..1; low: the model hesitates), or null
 */
public record LabelSet(String model, List<Detection> detections, String version, Double margin) {
  public LabelSet {
    detections = List.copyOf(detections);
  }

  public LabelSet(String model, List<Detection> detections, String version) {
    this(model, detections, version, null);
  }

  public LabelSet(String model, List<Detection> detections) {
    this(model, detections, null);
  }

  /** The model and its version as one name: {@code yolo11n.onnx@1a2b3c4d5e6f}, or the model alone. */
  public String modelVersion() {
    return version == null ? model : model + "@" + version;
  }
}
