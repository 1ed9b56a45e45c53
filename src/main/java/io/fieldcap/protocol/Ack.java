package io.fieldcap.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The server's answer about one frame, on {@code ROOT/DEVICE/acks}.
 *
 * @param v protocol version
 * @param frameId the frame, or {@code null} when the rejected message named none
 * @param status what the server did
 * @param missing with {@link AckStatus#SEND}: the chunk indexes to send
 * @param reason with {@link AckStatus#REJECTED}: the wire code of a {@link RejectReason}
 * @param message with {@link AckStatus#REJECTED}: a human-readable explanation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ack(int v, String frameId, AckStatus status, List<Integer> missing, String reason, String message) {
  public static Ack send(String frameId, List<Integer> missing) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.SEND, missing, null, null);
  }

  public static Ack stored(String frameId) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.STORED, null, null, null);
  }

  public static Ack duplicate(String frameId) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.DUPLICATE, null, null, null);
  }

  public static Ack rejected(String frameId, RejectReason reason, String message) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.REJECTED, null, reason.code(), message);
  }
}
