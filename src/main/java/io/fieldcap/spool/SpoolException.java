package io.fieldcap.spool;

/** The spool cannot be opened or written: its folder, its database or the disk under it. */
public final class SpoolException extends RuntimeException {
  public SpoolException(String message, Throwable cause) {
    super(message, cause);
  }

  public SpoolException(String message) {
    super(message);
  }
}
