package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The local store of kept frames.
 *
 * @param dir the spool folder (images and the SQLite index)
 * @param maxBytes the most bytes of images the spool may hold
 * @param minFreeBytes free space to leave on the spool's filesystem
 * @param whenFull what to do when a new frame would pass either limit
 * @param jpegQuality JPEG quality of stored frames, 1..100
 * @param jpegEncoder which JPEG encoder to use
 * @param queueFrames frames that may wait between capture and the spool writer; when full, capture
 *     drops the newest frame and counts it rather than waiting
 * @param keepAcked keep frames after the server acknowledged them (they are deleted first when space
 *     is needed) instead of deleting them at once
 */
public record SpoolConfig(
    Path dir, long maxBytes, long minFreeBytes, WhenFull whenFull, int jpegQuality, JpegEncoderKind jpegEncoder, int queueFrames,
    boolean keepAcked, Duration keepFailed) {

  /** The policy when the spool is full. */
  public enum WhenFull {
    /** Drop the oldest pending frames of the lowest priority to make room; count them as evicted. */
    EVICT_OLDEST,
    /** Keep what is stored and drop the new frame; count it as evicted. */
    REJECT_NEW
  }
}
