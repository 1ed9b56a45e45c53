package io.fieldcap.protocol;

/** A message broke the protocol; carries the reason the server reports back. */
public final class ProtocolException extends Exception {
  private final RejectReason reason;
  private final String sha256;

  public ProtocolException(RejectReason reason, String message) {
    this(reason, message, null);
  }

  /** With the SHA-256 of the frame it is about, when known: echoed in the rejection so the device can trust it. */
  public ProtocolException(RejectReason reason, String message, String sha256) {
    super(message);
    this.reason = reason;
    this.sha256 = sha256;
  }

  public String sha256() {
    return sha256;
  }

  public RejectReason reason() {
    return reason;
  }
}
