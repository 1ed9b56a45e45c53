package io.fieldcap.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What is made unrecognisable in a kept frame before its JPEG is ever written to disk.
 *
 * @param faces how faces found by the face model are redacted
 * @param faceModel the BlazeFace ONNX model
 * @param faceScore the least score of a face to redact
 * @param labelFaces whether the face boxes are also recorded in the frame's pre-labels (class {@code face})
 * @param classes classes of the main model's detections to redact the same way (for example {@code person})
 * @param masks static polygons, in fractions of the frame's width and height (0..1), blacked out
 */
public record PrivacyConfig(Mode faces, Path faceModel, double faceScore, boolean labelFaces, Set<String> classes,
    List<List<double[]>> masks) {

  /** How a region is redacted. */
  public enum Mode {
    /** A Gaussian blur strong enough that nothing of the region's detail is left. */
    BLUR,
    /** Blocks of an eighth of the region's size. */
    PIXELATE,
    OFF
  }

  /** The default face model, as scripts/fetch-models.sh places it. */
  public static final Path DEFAULT_FACE_MODEL = Path.of("models/face_detection_front_128x128_barracuda.onnx");

  public static PrivacyConfig none() {
    return new PrivacyConfig(Mode.OFF, DEFAULT_FACE_MODEL, 0.5, false, Set.of(), List.of());
  }

  public boolean active() {
    return faces != Mode.OFF || !classes.isEmpty() || !masks.isEmpty();
  }
}
