package io.fieldcap.update;

import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * A bundle's manifest as sent: {@code {"manifest": "<canonical JSON>", "signature": "<base64 Ed25519>"}}.
 * The manifest travels as a string so that the device verifies exactly the bytes that were signed
 * before it parses a single field.
 */
public record Signed(String manifest, String signature) {
  /** Why a bundle was refused; the message is what the device reports. */
  public static final class Refused extends Exception {
    public Refused(String reason) {
      super(reason);
    }
  }

  public static Signed sign(Bundle b, PrivateKey key) {
    String text = b.canonical();
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      return new Signed(text, Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Ed25519: " + e.getMessage(), e);
    }
  }

  public byte[] encode() {
    return Json.encode(this);
  }

  /** The SHA-256 of the signed manifest: the bundle's identity in the device's records. */
  public String digest() {
    return Sha256.hex(manifest.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a payload from the broker; refuses what is not a signed manifest. */
  public static Signed decode(byte[] payload) throws Refused {
    Signed s;
    try {
      s = Json.MAPPER.readValue(payload, Signed.class);
    } catch (IOException e) {
      throw new Refused("not a signed bundle manifest: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (s == null || s.manifest == null || s.signature == null) {
      throw new Refused("not a signed bundle manifest: 'manifest' and 'signature' are required");
    }
    return s;
  }

  /** Verifies the signature with the pinned key, then parses the manifest. */
  public Bundle verify(PublicKey key) throws Refused {
    boolean ok;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(manifest.getBytes(StandardCharsets.UTF_8));
      ok = s.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      ok = false;
    }
    if (!ok) {
      throw new Refused("the signature does not verify with update.key (signed with another key, or altered)");
    }
    Bundle b;
    try {
      b = Bundle.parse(manifest);
    } catch (IOException e) {
      throw new Refused("the signed manifest has a bad field: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (b.v() != Bundle.VERSION) {
      throw new Refused("bundle format version " + b.v() + " is not one this agent reads (" + Bundle.VERSION + ")");
    }
    if (!Bundle.MODEL.equals(b.kind()) && !Bundle.CONFIG.equals(b.kind())) {
      throw new Refused("unknown bundle kind '" + b.kind() + "'; expected model or config");
    }
    if (b.target() == null || b.expires() == null || b.files() == null) {
      throw new Refused("the manifest lacks target, expires or files");
    }
    for (Bundle.FileEntry f : b.files()) {
      if (f.name() == null || !f.name().matches("[A-Za-z0-9._-]{1,128}") || f.name().startsWith(".")
          || f.sha256() == null || !f.sha256().matches("[0-9a-f]{64}") || f.size() < 0 || f.chunkSize() <= 0) {
        throw new Refused("the manifest lists a bad file entry: " + f);
      }
    }
    return b;
  }
}
