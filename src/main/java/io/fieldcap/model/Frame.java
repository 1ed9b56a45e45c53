package io.fieldcap.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One frame as taken from a source: packed 8-bit BGR pixels (OpenCV's and ffmpeg's {@code bgr24}
 * order, row-major, no padding), with the per-device sequence number and the wall-clock time it
 * was taken.
 *
 * @param seq per-device sequence number; strictly increasing across restarts
 * @param capturedAt when the frame was read from the source
 * @param width width in pixels
 * @param height height in pixels
 * @param bgr {@code width * height * 3} bytes
 * @param sourceItem for sources whose items must be taken once (the files of a folder), the item's
 *     identity, which the spool records with the frame; {@code null} for cameras and streams
 * @param photo for a JPEG from a folder, the file as it was; else null
 * @param position where the device was when the frame was captured (gpsd, MAVLink), or null
 */
public record Frame(long seq, Instant capturedAt, int width, int height, byte[] bgr, String sourceItem, Photo photo,
    Fix position) {
  public Frame(long seq, Instant capturedAt, int width, int height, byte[] bgr, String sourceItem) {
    this(seq, capturedAt, width, height, bgr, sourceItem, null, null);
  }

  /** This frame with the position sampled at its capture. */
  public Frame at(Fix where) {
    return new Frame(seq, capturedAt, width, height, bgr, sourceItem, photo, where);
  }

  public Frame {
    Objects.requireNonNull(capturedAt, "capturedAt");
    Objects.requireNonNull(bgr, "bgr");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("frame size must be positive, was " + width + "x" + height);
    }
    if (bgr.length != width * height * 3) {
      throw new IllegalArgumentException(
          "frame of " + width + "x" + height + " needs " + (width * height * 3)
              + " BGR bytes, got " + bgr.length);
    }
  }
}
