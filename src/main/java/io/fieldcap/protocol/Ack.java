package io.fieldcap.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The server's answer about one frame, on {@code ROOT/DEVICE/acks}.
 *
 * @param v protocol version
 * @param frameId the frame, or {@code null} when the rejected message named none
 * @param status what the server did
 * @param sha256 the SHA-256 of the frame the answer is about (the offered one; for {@link
 *     AckStatus#DUPLICATE} the stored one, which is the same), when the server knows it. A device
 *     acts on an answer only when it equals its own frame's
 * @param missing with {@link AckStatus#SEND}: the chunk indexes to send
 * @param reason with {@link AckStatus#REJECTED}: the wire code of a {@link RejectReason}
 * @param message with {@link AckStatus#REJECTED}: a human-readable explanation
 * @param sig the server's Ed25519 signature over {@link AckSignature#signedBytes}, base64; absent
 *     when the server has no signing key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ack(int v, String frameId, AckStatus status, String sha256, List<Integer> missing, String reason,
    String message, String sig) {
  public static Ack send(String frameId, String sha256, List<Integer> missing) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.SEND, sha256, missing, null, null, null);
  }

  public static Ack stored(String frameId, String sha256) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.STORED, sha256, null, null, null, null);
  }

  public static Ack duplicate(String frameId, String sha256) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.DUPLICATE, sha256, null, null, null, null);
  }

  /** The server stored other bytes under this frame id; {@code sha256} is the offered frame's. */
  public static Ack conflict(String frameId, String sha256) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.CONFLICT, sha256, null, null,
        "another image is stored under this frame id; offer this one under a new id", null);
  }

  public static Ack rejected(String frameId, String sha256, RejectReason reason, String message) {
    return new Ack(Manifest.VERSION, frameId, AckStatus.REJECTED, sha256, null, reason.code(), message, null);
  }

  /** This ack with a signature. */
  public Ack withSig(String signature) {
    return new Ack(v, frameId, status, sha256, missing, reason, message, signature);
  }
}
