package io.fieldcap.config;

/** Which JPEG encoder the agent uses ({@code spool.jpeg-encoder}). */
public enum JpegEncoderKind {
  /** The system's libturbojpeg when it loads, otherwise OpenCV's. */
  AUTO,
  /** The system's libturbojpeg (Debian/Raspberry Pi OS package {@code libturbojpeg0}); SIMD on x86 and ARM. */
  TURBOJPEG,
  /** The libjpeg bundled with OpenCV's Java build (portable, several times slower). */
  OPENCV
}
