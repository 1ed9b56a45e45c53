package io.fieldcap.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why the server rejected a frame or a message; the wire codes are listed in docs/protocol.md. */
public enum RejectReason {
  MALFORMED_JSON("malformed-json", false),
  BAD_MANIFEST("bad-manifest", false),
  UNSUPPORTED_VERSION("unsupported-version", false),
  BAD_DEVICE_ID("bad-device-id", false),
  UNKNOWN_TOPIC("unknown-topic", false),
  UNKNOWN_FRAME("unknown-frame", true),
  CHUNK_OUT_OF_RANGE("chunk-out-of-range", false),
  BAD_CHUNK("bad-chunk", true),
  TOO_LARGE("too-large", false),
  CHECKSUM_MISMATCH("checksum-mismatch", true),
  STORAGE_ERROR("storage-error", true),
  /** The device's (or the server's) transfers in progress are at their limit, or the disk is nearly full. */
  STAGING_FULL("staging-full", true),
  /** The assembled bytes are not a JPEG, or not of the manifest's width and height. */
  BAD_IMAGE("bad-image", false);

  private final String code;
  private final boolean retryable;

  RejectReason(String code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  @JsonValue
  public String code() {
    return code;
  }

  /** Whether the device should offer the frame again later rather than give it up. */
  public boolean retryable() {
    return retryable;
  }

  public static RejectReason fromCode(String code) {
    for (RejectReason r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    return null;
  }
}
