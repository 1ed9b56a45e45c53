package io.fieldcap.inference;

/** A model cannot be used: the file, its layout, its labels, or the execution provider. */
public final class ModelException extends Exception {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
