package io.fieldcap.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The server's answers about a frame. */
public enum AckStatus {
  /** The server lacks the chunks in {@code missing}: send them. The answer to every manifest not yet stored. */
  SEND,
  /** The image and its metadata are durable on the server: the device may delete its copy. */
  STORED,
  /** The server had already stored this frame: the device may delete its copy. */
  DUPLICATE,
  /**
   * The server holds other bytes (another SHA-256) under this frame id, for example from a device
   * whose spool was wiped and whose sequence numbers started over: the device offers the frame
   * again under a new id.
   */
  CONFLICT,
  /** The server refuses the frame; {@code reason} says why. */
  REJECTED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
