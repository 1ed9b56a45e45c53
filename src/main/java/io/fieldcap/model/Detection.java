package io.fieldcap.model;

import java.util.List;
import java.util.Objects;

/**
 * One pre-label: a class with its score, a box for detectors (none for whole-frame classifiers),
 * and for segmentation models the instance's outline.
 *
 * @param label the class name
 * @param score confidence in 0..1
 * @param box the box in pixels of the original frame, or {@code null} for a whole-frame label
 * @param polygon the outline as x1, y1, x2, y2, … in pixels of the original frame (COCO's
 *     segmentation form), or {@code null}
 * @param mask for semantic segmentation: every pixel of the frame of this class, as COCO RLE on the
 *     frame's size (its box is the mask's bounding box), or {@code null}
 * @param trackId the object's track on the device that saw it (the same object in other frames of that
 *     device has the same id, {@code track.Tracker}), or {@code null} when the frame was not tracked
 */
public record Detection(String label, double score, Box box, List<Double> polygon, Rle mask, Long trackId) {
  public Detection {
    Objects.requireNonNull(label, "label");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in 0..1, was " + score);
    }
    if (polygon != null) {
      if (polygon.size() < 6 || polygon.size() % 2 != 0) {
        throw new IllegalArgumentException("a polygon needs at least 3 points as x, y pairs, got " + polygon.size() + " values");
      }
      polygon = List.copyOf(polygon);
    }
    if (trackId != null && trackId < 1) {
      throw new IllegalArgumentException("a track id is 1 or more, was " + trackId);
    }
  }

  public Detection(String label, double score, Box box, List<Double> polygon, Rle mask) {
    this(label, score, box, polygon, mask, null);
  }

  /** This detection as part of track {@code id}. */
  public Detection withTrack(long id) {
    return new Detection(label, score, box, polygon, mask, id);
  }

  /**
   * Whether this is a semantic model's background class (a mask labelled {@code background}): no
   * object in any export, and no share of a coverage rule.
   */
  public boolean backgroundMask() {
    return mask != null && label.equalsIgnoreCase("background");
  }

  public Detection(String label, double score, Box box, List<Double> polygon) {
    this(label, score, box, polygon, null);
  }

  public Detection(String label, double score, Box box) {
    this(label, score, box, null, null);
  }
}
