package io.fieldcap.capture;

/**
 * Pixels as a source delivers them, before the capture loop stamps them into a frame.
 *
 * @param sourceItem for a folder, the file's identity (see {@link io.fieldcap.model.Frame}); else null
 */
public record Image(int width, int height, byte[] bgr, String sourceItem) {}
