package io.fieldcap.capture;

import io.fieldcap.model.Photo;
import java.time.Instant;

/**
 * Pixels as a source delivers them, before the capture loop stamps them into a frame.
 *
 * @param sourceItem for a folder, the file's identity (see {@link io.fieldcap.model.Frame}); else null
 * @param takenAt for a file, when it was taken (its EXIF, else its modification time); null: now
 * @param photo for a JPEG file, the file as it was; else null
 */
public record Image(int width, int height, byte[] bgr, String sourceItem, Instant takenAt,
    Photo photo) {
  public Image(int width, int height, byte[] bgr, String sourceItem) {
    this(width, height, bgr, sourceItem, null, null);
  }
}
