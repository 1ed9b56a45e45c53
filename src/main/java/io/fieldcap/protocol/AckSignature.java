package io.fieldcap.protocol;

import io.fieldcap.keys.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * Ed25519 signatures on acks. The signature covers the device the ack is addressed to and every
 * field a device acts on, so that a signed ack cannot be replayed to another device, for another
 * frame, for other bytes under the same frame id, or with another status or reason:
 *
 * <pre>
 * fieldcap-ack-v1 LF device LF frameId LF status LF sha256 LF reason LF missing
 * </pre>
 *
 * (absent fields are empty; {@code missing} is the chunk indexes joined by commas). Messages and
 * the protocol version are not covered: they change nothing a device does.
 */
public final class AckSignature {
  private AckSignature() {}

  static byte[] signedBytes(String device, Ack a) {
    String missing = a.missing() == null ? "" : a.missing().stream().map(String::valueOf).collect(Collectors.joining(","));
    String s = String.join("\n", "fieldcap-ack-v1", device, nz(a.frameId()), a.status() == null ? "" : a.status().wire(),
        nz(a.sha256()), nz(a.reason()), missing);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Signs acks with the server's private key ({@code server.signing-key}). Thread-safe. */
  public static final class Signer {
    private final PrivateKey key;

    public Signer(PrivateKey key) {
      this.key = key;
    }

    public Ack sign(String device, Ack a) {
      try {
        Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
        s.initSign(key);
        s.update(signedBytes(device, a));
        return a.withSig(Base64.getEncoder().encodeToString(s.sign()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign an ack: " + e.getMessage(), e);
      }
    }
  }

  /** Checks acks against the server's pinned public key ({@code mqtt.server-key}). Thread-safe. */
  public static final class Verifier {
    private final PublicKey key;

    public Verifier(PublicKey key) {
      this.key = key;
    }

    /** Whether {@code a} carries a valid signature by the pinned key for {@code device}. */
    public boolean verify(String device, Ack a) {
      if (a.sig() == null) {
        return false;
      }
      try {
        byte[] sig = Base64.getDecoder().decode(a.sig());
        Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
        s.initVerify(key);
        s.update(signedBytes(device, a));
        return s.verify(sig);
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        return false; // not base64, wrong length: not a signature by our key
      }
    }
  }
}
