package io.fieldcap.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 key pairs in PEM files, with the JDK's own provider (no extra dependency): the private key
 * as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the public key as X.509 SubjectPublicKeyInfo
 * ({@code -----BEGIN PUBLIC KEY-----}), the forms {@code openssl genpkey -algorithm ed25519} and
 * {@code openssl pkey -pubout} write, so keys made by either tool work with the other.
 */
public final class SigningKeys {
  public static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private SigningKeys() {}

  /** A problem with a key file, naming the file and what is wrong with it. */
  public static final class KeyFileException extends IOException {
    public KeyFileException(Path file, String problem) {
      super(file + ": " + problem);
    }
  }

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /**
   * Writes {@code NAME.key} (readable by its owner only) and {@code NAME.pub} into {@code dir};
   * refuses to replace existing files, since a key that was replaced by mistake cannot be recovered.
   */
  public static void write(KeyPair pair, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve(name + ".key");
    Path pub = dir.resolve(name + ".pub");
    for (Path p : new Path[] {key, pub}) {
      if (Files.exists(p)) {
        throw new FileAlreadyExistsException(p.toString(), null, "already exists; move it away first (keys are never overwritten)");
      }
    }
    byte[] keyPem = pem(PRIVATE, pair.getPrivate().getEncoded());
    try {
      Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(key);
    }
    Files.write(key, keyPem, StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(pub, pem(PUBLIC, pair.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW);
  }

  public static PrivateKey readPrivate(Path file) throws KeyFileException {
    byte[] der = der(file, PRIVATE);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyFileException(file, "not an Ed25519 private key (" + e.getMessage()
          + "); expected the server.key written by 'fieldcap keys generate'");
    }
  }

  public static PublicKey readPublic(Path file) throws KeyFileException {
    byte[] der = der(file, PUBLIC);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyFileException(file, "not an Ed25519 public key (" + e.getMessage()
          + "); expected the server.pub written by 'fieldcap keys generate'");
    }
  }

  /**
   * The key bundles must be signed with ({@code update.public-key} wins over {@code update.key}), or
   * null with neither; a key file that cannot be read is an error naming it.
   */
  public static PublicKey pinned(String inline, Path file) throws IOException {
    if (inline != null) {
      return publicFromBase64(inline);
    }
    return file == null ? null : readPublic(file);
  }

  /**
   * A public key given inline: the base64 body of its PEM file (one line for Ed25519), as
   * {@code update.public-key} takes it. Null when it is not an Ed25519 public key.
   */
  public static PublicKey publicFromBase64(String base64) {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64.strip())));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] der(Path file, String type) throws KeyFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(file, "no such file");
    } catch (IOException e) {
      throw new KeyFileException(file, "cannot be read: " + e.getMessage());
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      String other = type.equals(PRIVATE) ? PUBLIC : PRIVATE;
      throw new KeyFileException(file, text.contains("-----BEGIN " + other + "-----")
          ? "holds a " + other.toLowerCase() + " where a " + type.toLowerCase() + " is expected"
          : "is not a PEM file with a '" + begin + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
    } catch (IllegalArgumentException ex) {
      throw new KeyFileException(file, "its PEM block is not valid base64: " + ex.getMessage());
    }
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }
}
