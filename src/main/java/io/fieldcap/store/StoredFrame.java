package io.fieldcap.store;

import io.fieldcap.model.LabelSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * A frame in the dataset, as export reads it; its image is read through {@link ImageRef#fetch()}.
 *
 * @param labels the labels an export writes: as stored, the device's pre-labels (or null); once a
 *     selection has chosen ({@code --labels}), the chosen ones
 * @param reviewed the newest reviewed revision of the frame's labels (corrections imported from a
 *     labeling tool, or a dataset's own labels), or null
 * @param revision the number of that revision (1, 2, …), or 0 when there is none
 * @param split the split a frozen dataset recorded for the frame, or null (then the export's splits decide)
 * @param mark what {@code fieldcap clean} marked the frame as ({@code duplicate}, {@code broken}, or
 *     both, comma-separated), or null
 */
public record StoredFrame(
    String device, String frameId, long seq, Instant capturedAt, String sha256, long bytes, int width, int height,
    LabelSet labels, Map<String, Object> meta, ImageRef image, Instant receivedAt, LabelSet reviewed, int revision,
    String split, String mark) {
  public StoredFrame(String device, String frameId, long seq, Instant capturedAt, String sha256, long bytes, int width,
      int height, LabelSet labels, Map<String, Object> meta, ImageRef image, Instant receivedAt) {
    this(device, frameId, seq, capturedAt, sha256, bytes, width, height, labels, meta, image, receivedAt, null, 0, null,
        null);
  }

  /** This frame with {@code labels} as the labels to write. */
  public StoredFrame withLabels(LabelSet l) {
    return new StoredFrame(device, frameId, seq, capturedAt, sha256, bytes, width, height, l, meta, image, receivedAt,
        reviewed, revision, split, mark);
  }

  /** This frame with its split fixed. */
  public StoredFrame withSplit(String s) {
    return new StoredFrame(device, frameId, seq, capturedAt, sha256, bytes, width, height, labels, meta, image,
        receivedAt, reviewed, revision, s, mark);
  }

  /** Whether {@code fieldcap clean} marked the frame as this kind. */
  public boolean marked(String kind) {
    return mark != null && Arrays.asList(mark.split(",")).contains(kind);
  }

  /** The image's file extension with its dot ({@code .jpg}, {@code .png}): imported datasets may hold PNGs. */
  public String extension() {
    return image == null ? ".jpg" : image.extension();
  }
}
