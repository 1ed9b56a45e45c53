package io.fieldcap.capture;

/**
 * One camera, stream, file or folder. Lifecycle: {@link #open()}, {@link #next()} until it returns
 * {@code null} (the source has ended) or throws, then {@link #close()}; the capture loop may open it
 * again after a failure. A source paces itself to the configured rate: cameras drop frames between
 * due times, ffmpeg sources let ffmpeg drop them, a folder waits.
 */
public interface FrameSource extends AutoCloseable {
  void open() throws SourceException;

  /**
   * Blocks for the next image.
   *
   * @return the image, or {@code null} when the source has ended for good (a file without loop)
   * @throws SourceException when the source was lost or cannot be read
   * @throws InterruptedException when capture is stopping
   */
  Image next() throws SourceException, InterruptedException;

  /** Releases the camera or child process; safe to call more than once and from another thread. */
  @Override
  void close();

  /** The source as a user would name it in logs (no credentials). */
  String describe();
}
