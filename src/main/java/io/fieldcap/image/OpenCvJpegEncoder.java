package io.fieldcap.image;

/** JPEG through OpenCV's {@code imencode} (the libjpeg-turbo bundled in OpenCV's Java build, without SIMD). */
final class OpenCvJpegEncoder implements JpegEncoder {
  @Override
  public byte[] encode(int width, int height, byte[] bgr, int quality) {
    return Images.encodeJpeg(width, height, bgr, quality);
  }

  @Override
  public String name() {
    return "opencv";
  }

  @Override
  public void close() {}
}
