package io.fieldcap.export;

/**
 * How to export.
 *
 * @param splits the split of each frame; null writes one set ({@link Splits#ALL_TRAIN} for formats
 *     that need split folders)
 * @param task {@code detect} (boxes) or {@code segment} (outlines, for formats that can write them)
 * @param link hard-link images into the export instead of copying them (the export then shares the
 *     server's files: editing one edits the other)
 */
public record ExportOptions(Splits splits, String task, boolean link) {
  public static final ExportOptions DEFAULT = new ExportOptions(null, "detect", false);
}
