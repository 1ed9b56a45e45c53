package io.fieldcap.model;

/**
 * A photo as its file holds it, for frames read from a folder: kept so that it can be stored byte
 * for byte when nothing in it must change, and so that its camera metadata survives when it must.
 *
 * @param jpeg the file's bytes
 * @param gps the position the camera recorded, or null
 * @param upright whether its pixels are stored the way they are shown (EXIF orientation 1), so that
 *     the file itself matches the decoded frame's width, height and boxes
 */
public record Photo(byte[] jpeg, Fix gps, boolean upright) {}
