package io.fieldcap.ingest;

import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.protocol.Topics;
import io.fieldcap.store.FrameStore;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one incoming message and decides the answer; knows nothing of MQTT connections (the
 * {@link Replier} publishes). Thread-safe as far as the store is; the server calls it from one thread.
 */
public final class Ingest {
  private static final Logger log = LoggerFactory.getLogger(Ingest.class);

  /** Sends an ack to a device's ack topic. */
  public interface Replier {
    void reply(String device, Ack ack);
  }

  private final Topics topics;
  private final FrameStore store;
  private final long maxFrameBytes;
  private final InstantSource clock;
  private final Replier replier;
  private final AckSignature.Signer signer;
  private final LongAdder messages = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

  /**
   * @param signer signs every ack with the server's key ({@code server.signing-key}); null sends
   *     unsigned acks, which devices that pin a key ignore
   */
  public Ingest(Topics topics, FrameStore store, long maxFrameBytes, InstantSource clock, AckSignature.Signer signer,
      Replier replier) {
    this.topics = topics;
    this.signer = signer;
    this.store = store;
    this.maxFrameBytes = maxFrameBytes;
    this.clock = clock;
    this.replier = replier;
  }

  /** Messages handled, good or bad. */
  public long messages() {
    return messages.sum();
  }

  public long stored() {
    return stored.sum();
  }

  public long duplicates() {
    return duplicates.sum();
  }

  /** Offers of other bytes under an id already stored, answered {@code conflict}. */
  public long conflicts() {
    return conflicts.sum();
  }

  private void reply(String device, Ack ack) {
    replier.reply(device, signer == null ? ack : signer.sign(device, ack));
  }

  /** Rejections by reason code. */
  public Map<String, Long> rejected() {
    Map<String, Long> out = new java.util.TreeMap<>();
    rejected.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public void handle(String topic, byte[] payload) {
    messages.increment();
    Topics.Parsed t = topics.parse(topic);
    if (t.problem() != null) {
      reject(t.device(), null, null, RejectReason.UNKNOWN_TOPIC, t.problem());
      return;
    }
    String devProblem = DeviceId.problem(t.device());
    if (devProblem != null) {
      reject(t.device(), null, null, RejectReason.BAD_DEVICE_ID, devProblem);
      return;
    }
    try {
      new FrameId(t.frameId());
    } catch (IllegalArgumentException e) {
      reject(t.device(), null, null, RejectReason.BAD_MANIFEST, e.getMessage());
      return;
    }
    try {
      if (t.manifest()) {
        manifest(t, payload);
      } else {
        chunk(t, payload);
      }
    } catch (ProtocolException e) {
      reject(t.device(), t.frameId(), e.sha256(), e.reason(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.error("ingest: cannot store frame {} of {}: {}", t.frameId(), t.device(), e.toString());
      reject(t.device(), t.frameId(), null, RejectReason.STORAGE_ERROR, "the server could not store the frame; try again later");
    }
  }

  private void manifest(Topics.Parsed t, byte[] payload) throws ProtocolException, IOException {
    Manifest m = Codec.manifest(payload);
    String sha = m.sha256() != null && m.sha256().matches("[0-9a-f]{64}") ? m.sha256() : null;
    try {
      validate(m, t);
    } catch (ProtocolException e) {
      throw new ProtocolException(e.reason(), e.getMessage(), sha);
    }
    String storedSha = store.storedSha256(m.deviceId(), m.frameId());
    if (storedSha != null) {
      answerExisting(m, storedSha.equals(m.sha256()) ? FrameStore.Outcome.DUPLICATE : FrameStore.Outcome.CONFLICT);
      return;
    }
    store.stage(m);
    List<Integer> missing = store.missingChunks(m);
    if (missing.isEmpty()) {
      complete(m);
    } else {
      reply(t.device(), Ack.send(m.frameId(), m.sha256(), missing));
    }
  }

  private void validate(Manifest m, Topics.Parsed t) throws ProtocolException {
    if (m.v() != Manifest.VERSION) {
      throw new ProtocolException(RejectReason.UNSUPPORTED_VERSION,
          "manifest version " + m.v() + " is not supported; this server speaks version " + Manifest.VERSION);
    }
    require(t.device().equals(m.deviceId()), "deviceId '" + m.deviceId() + "' does not match the topic's '" + t.device() + "'");
    require(t.frameId().equals(m.frameId()), "frameId '" + m.frameId() + "' does not match the topic's '" + t.frameId() + "'");
    require(m.capturedAt() != null, "capturedAt is missing");
    require(m.sha256() != null && m.sha256().matches("[0-9a-f]{64}"), "sha256 must be 64 lower-case hex digits");
    require(m.bytes() > 0, "bytes must be positive, was " + m.bytes());
    if (m.bytes() > maxFrameBytes) {
      throw new ProtocolException(RejectReason.TOO_LARGE,
          "frame of " + m.bytes() + " bytes is over this server's limit of " + maxFrameBytes + " bytes");
    }
    require(m.chunkSize() >= 1024 && m.chunkSize() <= 64 * 1024 * 1024, "chunkSize must be from 1 KiB to 64 MiB, was " + m.chunkSize());
    require(m.chunks() == Manifest.chunkCount(m.bytes(), m.chunkSize()),
        "chunks is " + m.chunks() + " but " + m.bytes() + " bytes in chunks of " + m.chunkSize() + " make "
            + Manifest.chunkCount(m.bytes(), m.chunkSize()));
    require("image/jpeg".equals(m.contentType()), "contentType must be image/jpeg, was " + m.contentType());
    require(m.width() > 0 && m.height() > 0, "width and height must be positive");
  }

  private static void require(boolean ok, String problem) throws ProtocolException {
    if (!ok) {
      throw new ProtocolException(RejectReason.BAD_MANIFEST, problem);
    }
  }

  private void chunk(Topics.Parsed t, byte[] payload) throws ProtocolException, IOException {
    Manifest m = store.staged(t.device(), t.frameId());
    if (m == null) {
      if (store.contains(t.device(), t.frameId())) {
        return; // a late copy of a chunk of a frame already stored: nothing to do
      }
      throw new ProtocolException(RejectReason.UNKNOWN_FRAME,
          "chunk " + t.chunk() + " is for frame " + t.frameId() + ", which has no manifest here (send the manifest first)");
    }
    if (t.chunk() < 0 || t.chunk() >= m.chunks()) {
      throw new ProtocolException(RejectReason.CHUNK_OUT_OF_RANGE,
          "chunk index " + t.chunk() + " is out of range; frame " + t.frameId() + " has chunks 0.." + (m.chunks() - 1),
          m.sha256());
    }
    long expected = t.chunk() < m.chunks() - 1 ? m.chunkSize() : m.bytes() - (long) m.chunkSize() * (m.chunks() - 1);
    if (payload.length != expected) {
      throw new ProtocolException(RejectReason.BAD_CHUNK,
          "chunk " + t.chunk() + " has " + payload.length + " bytes, expected " + expected, m.sha256());
    }
    store.putChunk(t.device(), t.frameId(), t.chunk(), payload);
    if (store.missingChunks(m).isEmpty()) {
      complete(m);
    }
  }

  /** All chunks are here: verify, store durably, then ack. */
  private void complete(Manifest m) throws ProtocolException, IOException {
    byte[] image = store.assemble(m);
    if (image.length != m.bytes() || !Sha256.hex(image).equals(m.sha256())) {
      store.dropStaged(m.deviceId(), m.frameId());
      throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH,
          "the " + image.length + " bytes received do not match the manifest's size and SHA-256; send the frame again",
          m.sha256());
    }
    FrameStore.Outcome outcome = store.commit(m, image, clock.instant());
    store.dropStaged(m.deviceId(), m.frameId());
    if (outcome == FrameStore.Outcome.STORED) {
      stored.increment();
      reply(m.deviceId(), Ack.stored(m.frameId(), m.sha256()));
    } else {
      answerExisting(m, outcome);
    }
  }

  /** The id is taken: by the same bytes (duplicate, the device may delete) or by others (conflict, the device re-keys). */
  private void answerExisting(Manifest m, FrameStore.Outcome outcome) {
    if (outcome == FrameStore.Outcome.DUPLICATE) {
      duplicates.increment();
      reply(m.deviceId(), Ack.duplicate(m.frameId(), m.sha256()));
    } else {
      conflicts.increment();
      log.warn("ingest: device '{}' offered other bytes under frame id {}, which is already stored; asked it to re-key",
          m.deviceId(), m.frameId());
      reply(m.deviceId(), Ack.conflict(m.frameId(), m.sha256()));
    }
  }

  private void reject(String device, String frameId, String sha256, RejectReason reason, String message) {
    rejected.computeIfAbsent(reason.code(), k -> new LongAdder()).increment();
    log.warn("ingest: rejected {} from device '{}': {}: {}", frameId == null ? "a message" : "frame " + frameId,
        device, reason.code(), message);
    if (device != null && !device.isEmpty()) {
      reply(device, Ack.rejected(frameId, sha256, reason, message));
    }
  }
}
