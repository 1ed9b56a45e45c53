package io.fieldcap.web;

/** An HTTP error to answer with: the status and a message that says what is wrong. */
final class HttpError extends RuntimeException {
  final int status;

  HttpError(int status, String message) {
    super(message);
    this.status = status;
  }
}
