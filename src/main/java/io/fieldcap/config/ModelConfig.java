package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The pre-labeling model ({@code model} section).
 *
 * @param path the ONNX file
 * @param labels a labels file (one class name per line), or null to use the model's metadata
 * @param format {@code auto} or a family name (yolov8, yolo-seg, yolov5, yolo-e2e, classify, blazeface, semantic, binary)
 * @param confidence detections scoring below this are dropped (Ultralytics' default 0.25)
 * @param iou the IoU above which NMS suppresses the weaker of two boxes of one class (0.45)
 * @param provider {@code cpu} or {@code cuda}
 * @param threads ONNX Runtime intra-op threads
 * @param required refuse to start when the model cannot be loaded (true), or capture without pre-labels (false)
 * @param maxLatency the longest median inference time an updated model may take here before it is refused
 * @param resize {@code letterbox}, {@code stretch}, or null for the family's default
 * @param normalize {@code unit} (0..1), {@code imagenet} (ImageNet mean and standard deviation), or null for the family's default
 * @param minArea semantic and binary segmentation: regions of a class smaller than this many frame pixels are dropped (0 keeps all)
 * @param classes class names given in the configuration (instead of a labels file or the model's metadata), or empty
 * @param threshold binary segmentation: the probability at or above which a pixel belongs to the class
 * @param unclip binary segmentation: grow each region by area × unclip / perimeter pixels, as DBNet text detectors need (0: not)
 * @param inputWidth the input width to run a model whose input size is dynamic at (0: the model's, its metadata's or 640)
 * @param inputHeight the input height to run it at (0 with inputWidth)
 */
public record ModelConfig(
    Path path, Path labels, String format, double confidence, double iou, String provider, int threads,
    boolean required, Duration maxLatency, String resize, String normalize, int minArea, List<String> classes,
    double threshold, double unclip, int inputWidth, int inputHeight) {}
