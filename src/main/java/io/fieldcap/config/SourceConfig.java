package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where frames come from and how fast they are taken.
 *
 * @param kind the kind of source, from the URI's form
 * @param uri the URI as configured
 * @param path the file or folder for {@link SourceKind#FILE} and {@link SourceKind#DIR}, the device
 *     node for a {@link SourceKind#CAMERA} given as a path; otherwise {@code null}
 * @param cameraIndex the V4L2 index for a camera given as a number, else -1
 * @param fps frames taken per second; the rest are dropped at the source
 * @param loop files: start again at the end
 * @param realtime files: play at the clip's own speed, as a camera would deliver it; when false,
 *     decode as fast as possible and take {@code fps} frames per second of clip time
 * @param rtspTransport RTSP: tcp (default, survives NAT and lossy links) or udp
 * @param ffmpeg the ffmpeg executable
 * @param reconnectMaxDelay the longest wait between attempts to reopen a lost stream or camera
 */
public record SourceConfig(
    SourceKind kind,
    String uri,
    Path path,
    int cameraIndex,
    double fps,
    boolean loop,
    boolean realtime,
    String rtspTransport,
    String ffmpeg,
    Duration reconnectMaxDelay) {

  /** The kinds of source, told apart by the URI. */
  public enum SourceKind {
    /** A V4L2 camera (USB, or CSI through a V4L2 driver), by device path or index. */
    CAMERA,
    /** A video file, decoded by ffmpeg. */
    FILE,
    /** An RTSP stream, decoded by ffmpeg. */
    RTSP,
    /** An HTTP(S) stream such as MJPEG, decoded by ffmpeg. */
    HTTP,
    /** A folder of images: the files there and those that arrive later, each once. */
    DIR
  }
}
