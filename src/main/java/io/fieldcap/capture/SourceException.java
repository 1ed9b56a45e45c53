package io.fieldcap.capture;

/**
 * A source could not be opened or was lost. Retryable failures (a stream that dropped, a camera
 * unplugged) are retried with backoff; terminal ones (a file that is not a video) end capture.
 */
public final class SourceException extends Exception {
  private final boolean retryable;

  public SourceException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
