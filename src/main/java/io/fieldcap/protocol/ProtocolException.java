package io.fieldcap.protocol;

/** A message broke the protocol; carries the reason the server reports back. */
public final class ProtocolException extends Exception {
  private final RejectReason reason;

  public ProtocolException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
