package io.fieldcap.inference;

import io.fieldcap.config.ModelConfig;
import java.util.Locale;

/** The output layouts fieldcap decodes; {@code model.format} names them. */
public enum ModelFamily {
  /** Ultralytics YOLOv8/YOLO11 detection: {@code [1, 4+nc, N]}, boxes cx, cy, w, h, then class scores. */
  YOLOV8,
  /**
   * Ultralytics segmentation ({@code -seg}): {@code [1, 4+nc+nm, N]} with mask coefficients, and
   * prototypes {@code [1, nm, mh, mw]}; boxes plus an outline per instance.
   */
  YOLO_SEG,
  /** Ultralytics YOLOv5 detection: {@code [1, N, 5+nc]}, cx, cy, w, h, objectness, class scores. */
  YOLOV5,
  /** End-to-end exports with NMS inside (YOLOv10, YOLO26, {@code nms=True}): {@code [1, N, 6]}, x1, y1, x2, y2, score, class. */
  YOLO_E2E,
  /** Image classification: {@code [1, nc]} logits or probabilities; one label for the whole frame. */
  CLASSIFY,
  /** MediaPipe BlazeFace face detection: 896 anchors in two layers, decoded as MediaPipe does. */
  BLAZEFACE,
  /**
   * Semantic segmentation (DeepLabV3, SegFormer and the like): one output {@code [1, C, h, w]} of
   * class scores per pixel, at the input size or a fraction of it; one mask per class present.
   */
  SEMANTIC,
  /**
   * Binary segmentation (a foreground, crack, water or text map; DBNet, U-Net and the like): one output
   * {@code [1, 1, h, w]} of probabilities (or logits) per pixel; one mask of the pixels at or over
   * {@code model.threshold}, for the one class the model finds.
   */
  BINARY;

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The family {@code model.format} names, or null for {@code auto} (detected from the model's outputs). */
  public static ModelFamily of(ModelConfig m) {
    return m.format().equals("auto") ? null : fromConfig(m.format());
  }

  public static ModelFamily fromConfig(String name) {
    for (ModelFamily f : values()) {
      if (f.configName().equals(name)) {
        return f;
      }
    }
    return null;
  }
}
