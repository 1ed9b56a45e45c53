package io.fieldcap.web;

/** An HTTP error to answer with: the status and a message that says what is wrong. */
final class HttpError extends RuntimeException {
  final int status;
  /** Seconds for a {@code Retry-After} header (429, 503), or 0. */
  final long retryAfter;

  HttpError(int status, String message) {
    this(status, message, 0);
  }

  HttpError(int status, String message, long retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}
