package io.fieldcap.agent;

import io.fieldcap.capture.CameraSource;
import io.fieldcap.capture.DirectorySource;
import io.fieldcap.capture.FfmpegSource;
import io.fieldcap.capture.FrameSink;
import io.fieldcap.capture.FrameSource;
import io.fieldcap.config.SourceConfig;
import java.util.function.Predicate;

/** Chooses the source implementation for a configured source kind. */
final class Sources {
  private Sources() {}

  static FrameSource create(SourceConfig c, Predicate<String> alreadyTaken, FrameSink sink) {
    return switch (c.kind()) {
      case CAMERA -> new CameraSource(c);
      case FILE, RTSP, HTTP -> new FfmpegSource(c);
      case DIR -> new DirectorySource(c.path(), c.fps(), alreadyTaken, sink);
    };
  }
}
