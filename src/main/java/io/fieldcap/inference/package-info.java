/**
 * On-device pre-labeling with ONNX Runtime: the model families people deploy (Ultralytics YOLO
 * detection in its three output layouts, classification, MediaPipe BlazeFace), preprocessed and
 * decoded as their trainers do. One {@link io.fieldcap.inference.Detector} per model.
 */
package io.fieldcap.inference;
