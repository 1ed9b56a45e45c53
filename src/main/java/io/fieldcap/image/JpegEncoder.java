package io.fieldcap.image;

import io.fieldcap.config.JpegEncoderKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes packed BGR frames as JPEG. An encoder holds native state and reusable buffers: use one per
 * thread and close it when done.
 */
public interface JpegEncoder extends AutoCloseable {

  /** Encodes {@code width x height} packed BGR bytes at {@code quality} (1..100). */
  byte[] encode(int width, int height, byte[] bgr, int quality);

  /** A short name for logs and benchmarks. */
  String name();

  @Override
  void close();

  /**
   * Opens the encoder of {@code kind}.
   *
   * @throws IllegalStateException when {@code kind} is {@link JpegEncoderKind#TURBOJPEG} and libturbojpeg
   *     cannot be loaded; the message says which package provides it
   */
  static JpegEncoder open(JpegEncoderKind kind) {
    return open(kind, TurboJpegEncoder.LIBRARY);
  }

  /** {@link #open(JpegEncoderKind)} with libturbojpeg looked up under {@code turboLibrary} (for tests). */
  static JpegEncoder open(JpegEncoderKind kind, String turboLibrary) {
    return switch (kind) {
      case OPENCV -> new OpenCvJpegEncoder();
      case TURBOJPEG -> TurboJpegEncoder.open(turboLibrary);
      case AUTO -> {
        try {
          yield TurboJpegEncoder.open(turboLibrary);
        } catch (IllegalStateException e) {
          Logger log = LoggerFactory.getLogger(JpegEncoder.class);
          log.info("{}; encoding JPEG with OpenCV's bundled libjpeg instead (slower)", e.getMessage());
          yield new OpenCvJpegEncoder();
        }
      }
    };
  }
}
