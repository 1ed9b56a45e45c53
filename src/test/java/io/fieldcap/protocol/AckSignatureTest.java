package io.fieldcap.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckSignatureTest {
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String OTHER = "0000000000000000000000000000000000000000000000000000000000000000";
  private static final String F = "20261129T045522123Z-000000000042";
  @TempDir Path tmp;

  @Test
  void givenAKeyPairWrittenAsPem_thenAckSignedByTheServerVerifiesOnTheDevice() throws Exception {
    SigningKeys.write(SigningKeys.generate(), tmp, "server");
    assertThat(Files.readString(tmp.resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(tmp.resolve("server.pub"))).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("server.key")))).isEqualTo("rw-------");
    var signer = new AckSignature.Signer(SigningKeys.readPrivate(tmp.resolve("server.key")));
    var verifier = new AckSignature.Verifier(SigningKeys.readPublic(tmp.resolve("server.pub")));
    Ack signed = signer.sign("cam-1", Ack.stored(F, SHA));
    assertThat(signed.sig()).isNotBlank();
    assertThat(verifier.verify("cam-1", signed)).isTrue();
    // survives the wire
    assertThat(verifier.verify("cam-1", Codec.ack(Json.encode(signed)))).isTrue();
  }

  @Test
  void givenASignedAck_whenAnyFieldADeviceActsOnIsChanged_thenItNoLongerVerifies() {
    KeyPair pair = SigningKeys.generate();
    var signer = new AckSignature.Signer(pair.getPrivate());
    var verifier = new AckSignature.Verifier(pair.getPublic());
    Ack stored = signer.sign("cam-1", Ack.stored(F, SHA));
    assertThat(verifier.verify("cam-2", stored)).as("replayed to another device").isFalse();
    assertThat(verifier.verify("cam-1", new Ack(1, "20261129T045522123Z-000000000043", AckStatus.STORED, SHA, null, null,
        null, stored.sig()))).as("another frame").isFalse();
    assertThat(verifier.verify("cam-1", new Ack(1, F, AckStatus.STORED, OTHER, null, null, null, stored.sig())))
        .as("other bytes").isFalse();
    assertThat(verifier.verify("cam-1", new Ack(1, F, AckStatus.DUPLICATE, SHA, null, null, null, stored.sig())))
        .as("another status").isFalse();
    Ack rejected = signer.sign("cam-1", Ack.rejected(F, SHA, RejectReason.CHECKSUM_MISMATCH, "x"));
    assertThat(verifier.verify("cam-1", new Ack(1, F, AckStatus.REJECTED, SHA, null, "too-large", "x", rejected.sig())))
        .as("another reason").isFalse();
    Ack send = signer.sign("cam-1", Ack.send(F, SHA, List.of(0, 1)));
    assertThat(verifier.verify("cam-1", new Ack(1, F, AckStatus.SEND, SHA, List.of(0), null, null, send.sig())))
        .as("other chunks").isFalse();
    assertThat(verifier.verify("cam-1", Ack.stored(F, SHA))).as("unsigned").isFalse();
    assertThat(verifier.verify("cam-1", Ack.stored(F, SHA).withSig("not base64!"))).as("garbage").isFalse();
    assertThat(new AckSignature.Verifier(SigningKeys.generate().getPublic()).verify("cam-1", stored))
        .as("signed by another key").isFalse();
  }

  @Test
  void givenBrokenKeyFiles_thenTheErrorNamesTheFileAndWhatIsWrong() throws Exception {
    SigningKeys.write(SigningKeys.generate(), tmp, "server");
    assertThatThrownBy(() -> SigningKeys.readPublic(tmp.resolve("server.key")))
        .hasMessageContaining("server.key").hasMessageContaining("holds a private key where a public key is expected");
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    assertThatThrownBy(() -> SigningKeys.readPublic(garbage)).hasMessageContaining("garbage.pem")
        .hasMessageContaining("not an Ed25519 public key");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> SigningKeys.readPrivate(text)).hasMessageContaining("notes.txt")
        .hasMessageContaining("not a PEM file");
    assertThatThrownBy(() -> SigningKeys.readPrivate(tmp.resolve("absent.key"))).hasMessageContaining("absent.key: no such file");
    assertThatThrownBy(() -> SigningKeys.write(SigningKeys.generate(), tmp, "server"))
        .hasMessageContaining("server.key").hasMessageContaining("never overwritten");
  }
}
