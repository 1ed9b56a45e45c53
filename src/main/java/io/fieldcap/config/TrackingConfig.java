package io.fieldcap.config;

/**
 * Multiple-object tracking of the model's detections on the device ({@code track.Tracker},
 * docs/capture.md): each detection of a tracked class gets the id of its object's track.
 *
 * @param enabled whether frames are tracked (off by default; it needs a model)
 * @param high detections scoring at least this are confident: they start tracks and are paired first
 * @param low weaker detections down to this only keep existing tracks alive (ByteTrack's second pass)
 * @param matchIou the least IoU between a track's predicted box and a confident detection to pair them
 * @param weakMatchIou the least IoU for a weak detection
 * @param minHits frames in a row a new track needs before it is one (and its detections get its id)
 * @param maxAge frames a track may go unseen before it ends
 */
public record TrackingConfig(boolean enabled, double high, double low, double matchIou, double weakMatchIou, int minHits,
    int maxAge) {
  /** No tracking section. */
  public static TrackingConfig defaults() {
    return new TrackingConfig(false, 0.5, 0.1, 0.2, 0.5, 2, 30);
  }
}
