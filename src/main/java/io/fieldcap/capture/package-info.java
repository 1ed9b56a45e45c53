/**
 * Frame sources and the capture loop. A {@link io.fieldcap.capture.FrameSource} opens one camera,
 * stream, file or folder and paces itself to {@code source.fps}; the {@link
 * io.fieldcap.capture.CaptureLoop} stamps each frame with its capture time and sequence number,
 * hands it on without ever blocking, and reopens a lost source with backoff. Capture knows nothing
 * of the spool or the network.
 */
package io.fieldcap.capture;
