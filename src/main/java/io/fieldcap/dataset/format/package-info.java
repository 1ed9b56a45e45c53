/**
 * Dataset formats, each format's writer ({@code *Exporter}) and reader ({@code *Reader}) side by side:
 * COCO, YOLO, Pascal VOC, labelme, Label Studio and CVAT 1.1. Readers turn a file into {@link
 * io.fieldcap.dataset.format.Annotated} items in fieldcap's convention (pixels, top-left corner, width,
 * height); writers take frames in that convention and write the format's own.
 */
package io.fieldcap.dataset.format;
