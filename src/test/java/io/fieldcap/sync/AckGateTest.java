package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.FrameId;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.spool.PendingFrame;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AckGateTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final String SHA = "a".repeat(64);
  private static final FrameId ID = FrameId.of(T0, 1);

  private final Map<String, InFlight> inFlight = new HashMap<>();
  private int forged;
  private long now = 1;

  AckGateTest() {
    PendingFrame f = new PendingFrame(ID, 1, T0, 4, 4, Path.of("f.jpg"), 10, SHA, null, 0, "all", null);
    inFlight.put(ID.value(), new InFlight(f, 0));
  }

  private AckGate gate(AckSignature.Verifier v) {
    return new AckGate("cam", v, () -> forged++, () -> now);
  }

  @Test
  void aStoredAckNamingTheFrameInFlightAndItsImageIsTrusted() {
    assertThat(gate(null).trusted(Ack.stored(ID.value(), SHA), inFlight)).isSameAs(inFlight.get(ID.value()));
    assertThat(forged).isZero();
  }

  @Test
  void anAckForAnotherImageOrWithoutOneIsForgedAndCounted() {
    AckGate g = gate(null);
    assertThat(g.trusted(Ack.stored(ID.value(), "b".repeat(64)), inFlight)).isNull();
    assertThat(g.trusted(Ack.stored(ID.value(), null), inFlight)).isNull();
    assertThat(g.trusted(Ack.duplicate(ID.value(), null), inFlight)).isNull();
    assertThat(forged).isEqualTo(3);
  }

  @Test
  void aSendOrARejectionWithoutTheImageIsOnlyAReasonToOfferAgain() {
    AckGate g = gate(null);
    assertThat(g.trusted(Ack.send(ID.value(), null, java.util.List.of(0)), inFlight)).isNotNull();
    assertThat(g.trusted(Ack.rejected(ID.value(), null, RejectReason.STORAGE_ERROR, "later"), inFlight)).isNotNull();
    assertThat(forged).isZero();
  }

  @Test
  void anAckForAFrameNotInFlightIsIgnoredWithoutCountingIt() {
    assertThat(gate(null).trusted(Ack.stored(FrameId.of(T0, 2).value(), SHA), inFlight)).isNull();
    assertThat(forged).isZero();
  }

  @Test
  void withAPinnedKeyOnlyAcksSignedWithItForThisDeviceAreTrusted() {
    KeyPair server = SigningKeys.generate();
    KeyPair other = SigningKeys.generate();
    AckGate g = gate(new AckSignature.Verifier(server.getPublic()));
    Ack stored = Ack.stored(ID.value(), SHA);
    assertThat(g.trusted(stored, inFlight)).as("unsigned").isNull();
    assertThat(g.trusted(new AckSignature.Signer(other.getPrivate()).sign("cam", stored), inFlight)).as("another key").isNull();
    assertThat(g.trusted(new AckSignature.Signer(server.getPrivate()).sign("cam-2", stored), inFlight)).as("another device").isNull();
    assertThat(forged).isEqualTo(3);
    assertThat(g.trusted(new AckSignature.Signer(server.getPrivate()).sign("cam", stored), inFlight)).isNotNull();
    assertThat(forged).isEqualTo(3);
  }
}
