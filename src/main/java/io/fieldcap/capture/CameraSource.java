package io.fieldcap.capture;

import io.fieldcap.config.SourceConfig;
import io.fieldcap.image.Images;
import io.fieldcap.image.OpenCv;
import java.nio.file.Files;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/**
 * A USB or CSI camera through OpenCV's V4L2 backend. The camera is read continuously, so that its
 * buffer never serves stale frames, and only frames that are due at {@code source.fps} are kept.
 * An unplugged camera is a retryable failure: the capture loop reopens it with backoff.
 */
public final class CameraSource implements FrameSource {
  private final SourceConfig config;
  private final RateGate gate;
  private VideoCapture capture; // guarded by this
  private boolean reading; // guarded by this: the capture thread is inside capture.read()
  private boolean closeRequested; // guarded by this
  private final Mat mat;
  private final FrameBuffers buffers;

  public CameraSource(SourceConfig config) {
    this(config, FrameBuffers.NONE);
  }

  /** Copying frames into arrays from {@code buffers}, which the pipeline hands back when done with a frame. */
  public CameraSource(SourceConfig config, FrameBuffers buffers) {
    OpenCv.load();
    this.buffers = buffers;
    this.mat = new Mat();
    this.config = config;
    this.gate = new RateGate(config.fps());
  }

  @Override
  public synchronized void open() throws SourceException {
    close();
    if (config.path() != null && !Files.exists(config.path())) {
      throw new SourceException("camera " + config.path() + " is not present (unplugged, or the driver is not loaded?)", true);
    }
    VideoCapture c = config.path() != null
        ? new VideoCapture(config.path().toString(), Videoio.CAP_V4L2)
        : new VideoCapture(config.cameraIndex(), Videoio.CAP_V4L2);
    if (!c.isOpened()) {
      c.release();
      throw new SourceException("camera " + describe() + " cannot be opened (in use by another program, or no permission: is the user in group 'video'?)", true);
    }
    capture = c;
  }

  @Override
  public Image next() throws SourceException, InterruptedException {
    while (true) {
      VideoCapture c;
      synchronized (this) {
        c = capture;
        reading = c != null;
      }
      boolean ok;
      try {
        ok = c != null && c.read(mat) && !mat.empty();
      } finally {
        synchronized (this) {
          reading = false;
          if (closeRequested) {
            release(); // close() came from another thread during the read: released here, after it
          }
        }
      }
      if (!ok) {
        throw new SourceException("camera " + describe() + " stopped delivering frames (unplugged?)", true);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (gate.due(System.nanoTime())) {
        return new Image(mat.cols(), mat.rows(), Images.toBgr(mat, buffers::take), null);
      }
    }
  }

  /**
   * Releases the camera; when the capture thread is inside a read, only asks for it, and that thread
   * releases the camera as soon as the read returns: a native object is never freed under its user.
   */
  @Override
  public synchronized void close() {
    if (reading) {
      closeRequested = true;
      return;
    }
    release();
  }

  private void release() {
    closeRequested = false;
    if (capture != null) {
      capture.release();
      capture = null;
    }
  }

  @Override
  public String describe() {
    return config.path() != null ? config.path().toString() : "camera index " + config.cameraIndex();
  }
}
