/**
 * Labels coming back in: corrections made in a labeling tool (labelme, Label Studio, CVAT, COCO),
 * matched to their frames by frame id and stored as label revisions beside the pre-labels; and whole
 * datasets (COCO, YOLO, VOC, labelme) imported as frames of a named source. Readers turn each format
 * into {@link io.fieldcap.imports.Annotated} items in fieldcap's own convention (pixels, top-left
 * corner, width, height); {@link io.fieldcap.imports.Importer} checks and stores them.
 */
package io.fieldcap.imports;
