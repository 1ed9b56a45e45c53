package io.fieldcap.agent;

import io.fieldcap.capture.CameraSource;
import io.fieldcap.capture.DirectorySource;
import io.fieldcap.capture.FfmpegSource;
import io.fieldcap.capture.FrameBuffers;
import io.fieldcap.capture.FrameSink;
import io.fieldcap.capture.FrameSource;
import io.fieldcap.config.SourceConfig;
import java.util.function.Predicate;

/** Chooses the source implementation for a configured source kind. */
final class Sources {
  private Sources() {}

  /** {@code buffers}: where video and camera sources take the arrays they read frames into. */
  static FrameSource create(SourceConfig c, Predicate<String> alreadyTaken, FrameSink sink, FrameBuffers buffers) {
    return switch (c.kind()) {
      case CAMERA -> new CameraSource(c, buffers);
      case FILE, RTSP, HTTP -> new FfmpegSource(c, buffers);
      case DIR -> new DirectorySource(c.path(), c.fps(), alreadyTaken, sink);
    };
  }
}
