package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.InputSize;
import io.fieldcap.inference.ModelFamily;
import io.fieldcap.inference.OnnxDetector;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to run a model: shared by {@code label} and {@code prelabel}. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "PATH", description = "The ONNX model.")
  Path model;

  @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (default: the model's metadata).")
  Path labels;

  @Option(names = "--confidence", defaultValue = "0.25", paramLabel = "T", description = "Lowest score kept (default ${DEFAULT-VALUE}).")
  float confidence;

  @Option(names = "--iou", defaultValue = "0.45", paramLabel = "T", description = "NMS overlap threshold (default ${DEFAULT-VALUE}).")
  float iou;

  @Option(names = "--format", defaultValue = "auto", paramLabel = "F",
      description = "auto, yolov8, yolo-seg, yolov5, yolo-e2e, classify, blazeface, semantic or binary (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--resize", paramLabel = "MODE", description = "letterbox or stretch (default: the model family's).")
  String resize;

  @Option(names = "--normalize", paramLabel = "MODE", description = "unit or imagenet (default: the model family's).")
  String normalize;

  @Option(names = "--min-area", defaultValue = "0", paramLabel = "PIXELS",
      description = "Semantic and binary segmentation: drop regions smaller than this (default ${DEFAULT-VALUE}: keep all).")
  int minArea;

  @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "P",
      description = "Binary segmentation: the probability at or above which a pixel is the class (default ${DEFAULT-VALUE}).")
  float threshold;

  @Option(names = "--unclip", defaultValue = "0", paramLabel = "R",
      description = "Binary segmentation: grow each region by area × R / perimeter pixels, as DBNet text detectors need "
          + "(1.5; default ${DEFAULT-VALUE}: not).")
  float unclip;

  @Option(names = "--input-size", paramLabel = "WxH",
      description = "The size to run a model whose input size is dynamic at, such as 640x480 (default: its metadata's, or 640x640).")
  String inputSize;

  /** The detector's options, or a usage error naming what is wrong. */
  OnnxDetector.Options options() throws ConfigException {
    if (!(confidence >= 0 && confidence <= 1) || !(iou > 0 && iou <= 1)) {
      throw new ConfigException("--confidence must be in 0..1 and --iou in (0, 1]");
    }
    ModelFamily family = null;
    if (!format.equals("auto")) {
      family = ModelFamily.fromConfig(format);
      if (family == null) {
        throw new ConfigException("--format: '" + format + "' is not allowed; expected auto, yolov8, yolo-seg, yolov5, "
            + "yolo-e2e, classify, blazeface, semantic or binary");
      }
    }
    if (resize != null && !resize.equals("letterbox") && !resize.equals("stretch")) {
      throw new ConfigException("--resize: '" + resize + "' is not allowed; expected letterbox or stretch");
    }
    if (normalize != null && !normalize.equals("unit") && !normalize.equals("imagenet")) {
      throw new ConfigException("--normalize: '" + normalize + "' is not allowed; expected unit or imagenet");
    }
    if (minArea < 0) {
      throw new ConfigException("--min-area must be at least 0");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new ConfigException("--threshold must be in 0..1");
    }
    if (!(unclip >= 0 && unclip <= 10)) {
      throw new ConfigException("--unclip must be in 0..10");
    }
    int[] size = inputSize == null ? new int[] {0, 0} : InputSize.parse(inputSize);
    if (size == null) {
      throw new ConfigException("--input-size: '" + inputSize + "' is not allowed; expected WIDTHxHEIGHT with 8 to 8192 "
          + "pixels a side, such as 640x480");
    }
    return new OnnxDetector.Options(model, labels, List.of(), family, confidence, iou, "cpu",
        Math.max(1, Runtime.getRuntime().availableProcessors()), resize, normalize, minArea, threshold, unclip, size[0],
        size[1]);
  }
}
