package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The pre-labeling model ({@code model} section).
 *
 * @param path the ONNX file
 * @param labels a labels file (one class name per line), or null to use the model's metadata
 * @param format {@code auto} or a family name (yolov8, yolo-seg, yolov5, yolo-e2e, classify, blazeface, semantic)
 * @param confidence detections scoring below this are dropped (Ultralytics' default 0.25)
 * @param iou the IoU above which NMS suppresses the weaker of two boxes of one class (0.45)
 * @param provider {@code cpu} or {@code cuda}
 * @param threads ONNX Runtime intra-op threads
 * @param required refuse to start when the model cannot be loaded (true), or capture without pre-labels (false)
 * @param maxLatency the longest median inference time an updated model may take here before it is refused
 * @param resize {@code letterbox}, {@code stretch}, or null for the family's default
 * @param normalize {@code unit} (0..1), {@code imagenet} (ImageNet mean and standard deviation), or null for the family's default
 * @param minArea semantic segmentation: regions of a class smaller than this many frame pixels are dropped (0 keeps all)
 */
public record ModelConfig(
    Path path, Path labels, String format, double confidence, double iou, String provider, int threads,
    boolean required, Duration maxLatency, String resize, String normalize, int minArea) {}
