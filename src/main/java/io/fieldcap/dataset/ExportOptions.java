package io.fieldcap.dataset;

import java.time.Instant;


/**
 * How to export.
 *
 * @param splits the split of each frame; null writes one set ({@link Splits#ALL_TRAIN} for formats
 *     that need split folders)
 * @param task {@code detect} (boxes) or {@code segment} (outlines, for formats that can write them)
 * @param link hard-link images into the export instead of copying them (the export then shares the
 *     server's files: editing one edits the other)
 * @param imageUrl for formats whose tasks name images by URL (Label Studio): the prefix before each
 *     image's file name
 * @param selection which frames and labels, and the class names and order
 * @param created the creation time formats record (COCO's {@code info.date_created}): a frozen
 *     dataset's, so that exporting it again writes the same bytes; null for now
 * @param polygons COCO: semantic masks as polygons (one annotation per connected region) instead of RLE
 */
public record ExportOptions(Splits splits, String task, boolean link, String imageUrl, Selection selection,
    Instant created, boolean polygons) {
  public ExportOptions(Splits splits, String task, boolean link, String imageUrl, Selection selection,
      Instant created) {
    this(splits, task, link, imageUrl, selection, created, false);
  }

  /** Label Studio's local-files URL for an {@code images} folder under its document root ({@code --image-url}). */
  public static final String LABEL_STUDIO_URL = "/data/local-files/?d=images/";

  public static final ExportOptions DEFAULT = new ExportOptions(null, "detect", false, LABEL_STUDIO_URL,
      Selection.ALL);

  public ExportOptions(Splits splits, String task, boolean link, String imageUrl, Selection selection) {
    this(splits, task, link, imageUrl, selection, null);
  }

  public ExportOptions(Splits splits, String task, boolean link) {
    this(splits, task, link, LABEL_STUDIO_URL, Selection.ALL);
  }

  public ExportOptions(Splits splits, String task, boolean link, String imageUrl) {
    this(splits, task, link, imageUrl, Selection.ALL);
  }
}
