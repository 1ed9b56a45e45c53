package io.fieldcap.sync;

import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.AckStatus;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which acks sync may act on. Deleting a frame is the one irreversible act on the device, so an ack
 * is trusted only when it is signed by the pinned server key (when one is configured), about a frame
 * in flight, and names that frame's SHA-256; anything else is ignored, and what looks forged is
 * counted ({@code forgedAcks}) and logged at most once a minute.
 */
final class AckGate {
  private static final Logger log = LoggerFactory.getLogger(AckGate.class);
  private static final Duration FORGED_LOG_INTERVAL = Duration.ofMinutes(1);

  private final String device;
  private final AckSignature.Verifier verifier;
  private final Runnable forgedAcks;
  private final LongSupplier nanoTime;
  private long lastForgedLogNanos;
  private long forgedSinceLog;

  /** {@code verifier} null: acks are not signed (no {@code mqtt.server-key}); {@code forgedAcks} counts one. */
  AckGate(String device, AckSignature.Verifier verifier, Runnable forgedAcks, LongSupplier nanoTime) {
    this.device = device;
    this.verifier = verifier;
    this.forgedAcks = forgedAcks;
    this.nanoTime = nanoTime;
  }

  /**
   * The frame in flight that an ack is about, when the ack can be trusted: signed by the pinned
   * server key (when one is configured), about a frame this device has offered and not yet settled,
   * and naming that frame's SHA-256. Deleting a frame is the one irreversible act, so a {@code
   * stored}, {@code duplicate} or {@code conflict} must name the SHA-256; a {@code send} or a
   * rejection without it (the server could not read the manifest) is acted on only as "offer it
   * again later". Anything else is ignored; a bad signature or another SHA-256 is counted as {@code
   * forgedAcks}.
   */
  InFlight trusted(Ack ack, Map<String, InFlight> inFlight) {
    if (verifier != null && !verifier.verify(device, ack)) {
      forged(ack, ack.sig() == null ? "it is not signed" : "its signature does not verify with mqtt.server-key");
      return null;
    }
    if (ack.frameId() == null) {
      if (ack.status() == AckStatus.REJECTED) {
        log.warn("sync: the server rejected a message: {} ({})", ack.reason(), ack.message());
      }
      return null;
    }
    InFlight fl = inFlight.get(ack.frameId());
    if (fl == null) {
      log.debug("sync: ignoring a {} ack for {}, which is not in flight (a late repeat, or not offered)",
          ack.status() == null ? "?" : ack.status().wire(), ack.frameId());
      return null;
    }
    if (ack.sha256() == null) {
      if (ack.status() == AckStatus.SEND || ack.status() == AckStatus.REJECTED) {
        return fl;
      }
      forged(ack, "it does not name the frame's SHA-256");
      return null;
    }
    if (!ack.sha256().equals(fl.frame.sha256())) {
      forged(ack, "it names another image (SHA-256 " + ack.sha256() + ")");
      return null;
    }
    return fl;
  }

  private void forged(Ack ack, String why) {
    forgedAcks.run();
    forgedSinceLog++;
    long now = nanoTime.getAsLong();
    if (lastForgedLogNanos == 0 || now - lastForgedLogNanos >= FORGED_LOG_INTERVAL.toNanos()) {
      log.warn("sync: ignored {} ack(s) that cannot be trusted; the latest, {} for {}, because {}. Nothing was deleted"
          + " (counted as forgedAcks in spool stats)", forgedSinceLog, ack.status() == null ? "?" : ack.status().wire(),
          ack.frameId(), why);
      lastForgedLogNanos = now;
      forgedSinceLog = 0;
    }
  }
}
