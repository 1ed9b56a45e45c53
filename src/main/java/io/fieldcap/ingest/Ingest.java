package io.fieldcap.ingest;

import io.fieldcap.faults.Witness;
import io.fieldcap.json.Json;
import io.fieldcap.metrics.Histogram;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelRules;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.protocol.Topics;
import io.fieldcap.store.Assembled;
import io.fieldcap.store.FrameStore;
import io.fieldcap.store.NewClip;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one incoming message and decides the answer; knows nothing of MQTT connections (the
 * {@link Replier} publishes). Thread-safe: the server calls it from one lane per device (see {@link
 * DeviceLanes}), so one device's messages arrive in order and different devices' in parallel.
 *
 * <p>What one device can cost the server is bounded: chunks of at least {@link #MIN_CHUNK_BYTES}
 * (except a frame's only or last chunk) and at most {@link Limits#maxChunkBytes}, at most {@link
 * #MAX_CHUNKS} per frame, bytes in transfers capped per device and overall (see {@link Transfers}),
 * constant bookkeeping per chunk, frames assembled by streaming (never whole on the heap), and
 * rejections answered at most {@link #REJECTIONS_PER_SECOND} a second per device.
 */
public final class Ingest {
  private static final Logger log = LoggerFactory.getLogger(Ingest.class);
  /** The smallest chunk the server accepts, except a frame's last (or only) chunk. */
  public static final int MIN_CHUNK_BYTES = 16 * 1024;
  /** The most chunks one frame may have (64 MiB in chunks of 16 KiB). */
  public static final int MAX_CHUNKS = 4096;
  static final int REJECTIONS_PER_SECOND = 50;
  /** The largest labels' JSON sent in a frame's transfer (see {@link Manifest#labelsBytes}). */
  public static final long MAX_LABELS_BYTES = 16L * 1024 * 1024;

  /** Sends an ack to a device's ack topic. */
  public interface Replier {
    void reply(String device, Ack ack);
  }

  /**
   * What one frame and one device may cost.
   *
   * @param maxFrameBytes larger frames are rejected ({@code too-large})
   * @param maxChunkBytes larger chunks are refused ({@code bad-manifest}); the server's MQTT maximum packet size follows it
   * @param maxStagedBytesPerDevice most bytes in one device's transfers in progress
   * @param maxStagedBytes most bytes in all transfers in progress
   * @param minFreeBytes free bytes always left on the disk
   */
  public record Limits(long maxFrameBytes, long maxChunkBytes, long maxStagedBytesPerDevice, long maxStagedBytes,
      long minFreeBytes, long maxPixels) {}

  private final Topics topics;
  private final FrameStore store;
  private final Limits limits;
  private final ManifestCheck check;
  private final InstantSource clock;
  private final Replier replier;
  private final AckSignature.Signer signer;
  private final Transfers transfers;
  private final LongAdder messages = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final Map<String, RejectionWindow> rejectionWindows = new ConcurrentHashMap<>();

  /**
   * @param freeBytes free bytes on the store's disk now
   * @param signer signs every ack with the server's key ({@code server.signing-key}); null sends
   *     unsigned acks, which devices that pin a key ignore
   */
  public Ingest(Topics topics, FrameStore store, Limits limits, LongSupplier freeBytes, InstantSource clock,
      AckSignature.Signer signer, Replier replier) {
    this.topics = topics;
    this.store = store;
    this.limits = limits;
    this.check = new ManifestCheck(limits);
    this.clock = clock;
    this.signer = signer;
    this.replier = replier;
    this.transfers = new Transfers(limits.maxStagedBytesPerDevice(), limits.maxStagedBytes(), limits.minFreeBytes(), freeBytes);
  }

  private volatile boolean measureOnIngest = true;
  /** The most frames of one device committed as one group. */
  static final int MAX_GROUP = 16;
  private volatile boolean grouped;
  private final Map<String, List<Ready>> groups = new ConcurrentHashMap<>(); // each device's touched by its lane only

  /**
   * Whether frames are committed in groups: each device's frames that complete while more of its
   * messages wait are committed together when its lane runs dry ({@link #flush}), or at {@value
   * #MAX_GROUP}. Only where a caller flushes (the server's {@link DeviceLanes}); otherwise each
   * frame is committed and acked as it completes.
   */
  public void groupCommits(boolean on) {
    this.grouped = on;
  }

  /**
   * Whether each frame's image is measured ({@link io.fieldcap.image.Look}) right after it is acked
   * ({@code server.measure: on-ingest}, the default), or left to {@code fieldcap clean}, which measures
   * what is not measured yet ({@code deferred}): decoding every image is most of a server's CPU.
   */
  public void measureOnIngest(boolean on) {
    this.measureOnIngest = on;
  }

  /** Messages handled, good or bad. */
  public long messages() {
    return messages.sum();
  }

  public long stored() {
    return stored.sum();
  }

  private final Map<String, LongAdder> storedBy = new ConcurrentHashMap<>();
  private final Histogram ingestLatency = new Histogram();

  /** Frames stored since start, by device. */
  public Map<String, Long> storedByDevice() {
    Map<String, Long> m = new TreeMap<>();
    storedBy.forEach((d, n) -> m.put(d, n.sum()));
    return m;
  }

  /** From a frame's manifest to its stored ack, in this process. */
  public Histogram ingestLatency() {
    return ingestLatency;
  }

  public long duplicates() {
    return duplicates.sum();
  }

  /** Offers of other bytes under an id already stored, answered {@code conflict}. */
  public long conflicts() {
    return conflicts.sum();
  }

  /** Transfers in progress in this process, and the bytes they reserve. */
  public int transfersInProgress() {
    return transfers.count();
  }

  /** Transfers in progress from one device. */
  public int transfersInProgress(String device) {
    return transfers.count(device);
  }

  public long stagedBytes() {
    return transfers.stagedBytes();
  }

  /** Rejections by reason code. */
  public Map<String, Long> rejected() {
    Map<String, Long> out = new TreeMap<>();
    rejected.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void reply(String device, Ack ack) {
    replier.reply(device, signer == null ? ack : signer.sign(device, ack));
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
      check.manifest(m, t);
    } catch (ProtocolException e) {
      throw new ProtocolException(e.reason(), e.getMessage(), sha);
    }
    String storedSha = store.storedSha256(m.deviceId(), m.frameId());
    if (storedSha != null) {
      answerExisting(m, storedSha.equals(m.sha256()) ? FrameStore.Outcome.DUPLICATE : FrameStore.Outcome.CONFLICT);
      return;
    }
    Transfers.Transfer tr = transfers.open(m, clock.millis());
    store.stage(Manifests.transfer(m), payload); // the bytes as the device sent them, decoded once above
    List<Integer> missing = store.missingChunks(Manifests.transfer(m)); // once per manifest, not per chunk
    tr.present(missing, clock.millis());
    if (missing.isEmpty()) {
      complete(tr, store.assemble(Manifests.transfer(m)));
    } else {
      reply(t.device(), Ack.send(m.frameId(), m.sha256(), missing));
    }
  }

  private void chunk(Topics.Parsed t, byte[] payload) throws ProtocolException, IOException {
    Transfers.Transfer tr = transfers.get(t.device(), t.frameId());
    if (tr == null) {
      // the manifest reached another server of the group, or this one before a restart
      byte[] stagedBytes = store.staged(t.device(), t.frameId());
      if (stagedBytes == null) {
        if (store.contains(t.device(), t.frameId())) {
          return; // a late copy of a chunk of a frame already stored: nothing to do
        }
        throw new ProtocolException(RejectReason.UNKNOWN_FRAME,
            "chunk " + t.chunk() + " is for frame " + t.frameId() + ", which has no manifest here (send the manifest first)");
      }
      Manifest staged = Codec.manifest(stagedBytes);
      tr = transfers.open(staged, clock.millis());
      tr.present(store.missingChunks(Manifests.transfer(staged)), clock.millis());
    }
    Manifest m = tr.manifest;
    if (t.chunk() < 0 || t.chunk() >= m.chunks()) {
      throw new ProtocolException(RejectReason.CHUNK_OUT_OF_RANGE,
          "chunk index " + t.chunk() + " is out of range; frame " + t.frameId() + " has chunks 0.." + (m.chunks() - 1),
          m.sha256());
    }
    long expected = t.chunk() < m.chunks() - 1 ? m.chunkSize() : m.transferBytes() - (long) m.chunkSize() * (m.chunks() - 1);
    if (payload.length != expected) {
      throw new ProtocolException(RejectReason.BAD_CHUNK,
          "chunk " + t.chunk() + " has " + payload.length + " bytes, expected " + expected, m.sha256());
    }
    if (m.chunks() == 1) {
      // the whole frame in this one message: nothing of it can be at another server, so no staging
      tr.received(0, clock.millis());
      complete(tr, store.assemble(m.deviceId(), m.frameId(), payload));
      return;
    }
    store.putChunk(t.device(), t.frameId(), t.chunk(), payload);
    tr.received(t.chunk(), clock.millis());
    if (tr.complete(i -> store.hasChunk(m.deviceId(), m.frameId(), i))) {
      complete(tr, store.assemble(Manifests.transfer(m)));
    }
  }

  /**
   * All chunks are here, assembled: take off the labels sent after the image, verify size, SHA-256 and
   * the JPEG's own header, store durably, then ack.
   */
  private void complete(Transfers.Transfer tr, Assembled assembled) throws ProtocolException, IOException {
    Manifest m = tr.manifest;
    if (Manifest.CLIP_TYPE.equals(m.contentType())) {
      completeClip(tr, assembled);
      return;
    }
    Assembled image = assembled;
    try {
      if (m.labelsBytes() > 0) {
        if (assembled.bytes() != m.transferBytes()) {
          drop(tr);
          throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH, "the " + assembled.bytes() + " bytes received are not the "
              + m.transferBytes() + " of the manifest's image and labels; send the frame again", m.sha256());
        }
        Assembled.Split split = assembled.split(m.bytes());
        image = split.image();
        m = m.withLabels(labelsOf(tr, split.tail()));
      }
      if (image.bytes() != m.bytes() || !image.sha256().equals(m.sha256())) {
        drop(tr);
        throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH,
            "the " + image.bytes() + " bytes received do not match the manifest's size and SHA-256; send the frame again",
            m.sha256());
      }
      String problem = ManifestCheck.imageProblem(image, m);
      if (problem != null) {
        drop(tr);
        throw new ProtocolException(RejectReason.BAD_IMAGE, problem, m.sha256());
      }
    } catch (ProtocolException | IOException | RuntimeException e) {
      image.close();
      throw e;
    }
    List<Ready> group = groups.computeIfAbsent(m.deviceId(), d -> new ArrayList<>());
    String frameId = m.frameId();
    if (group.stream().anyMatch(r -> r.m.frameId().equals(frameId))) {
      flush(m.deviceId()); // a second offer of a frame in the group: the first one is committed first
      group = groups.computeIfAbsent(m.deviceId(), d -> new ArrayList<>());
    }
    group.add(new Ready(tr, m, image));
    if (!grouped || group.size() >= MAX_GROUP) {
      flush(m.deviceId()); // without grouping, a group of one at once
    }
  }

  /**
   * An event clip, all here: the video and its frame-by-frame labels checked (sizes, SHA-256s, an MP4's {@code ftyp},
   * the labels' shape and every frame's label set), then stored at once (a clip is not grouped with frames) and acked.
   */
  private void completeClip(Transfers.Transfer tr, Assembled assembled) throws ProtocolException, IOException {
    Manifest m = tr.manifest;
    ClipCheck.Checked checked;
    try {
      checked = ClipCheck.check(m, assembled);
    } catch (ProtocolException e) {
      drop(tr);
      throw e;
    }
    Assembled video = checked.video();
    NewClip clip = checked.clip();
    FrameStore.Outcome outcome;
    try {
      outcome = store.clips().commit(clip, video, clock.instant());
    } catch (IOException | RuntimeException e) {
      log.error("ingest: cannot store clip {}/{}: {}", m.deviceId(), m.frameId(), e.toString());
      video.close();
      drop(tr);
      reject(m.deviceId(), m.frameId(), null, RejectReason.STORAGE_ERROR, "the server could not store the clip; try again later");
      return;
    }
    video.close();
    drop(tr);
    if (outcome == FrameStore.Outcome.STORED) {
      stored.increment();
      Witness.record("ack", m.deviceId(), m.frameId(), m.sha256(), "stored");
      reply(m.deviceId(), Ack.stored(m.frameId(), m.sha256()));
      log.info("ingest: clip {}/{} of {} frames stored ({} bytes)", m.deviceId(), m.frameId(), clip.frames(), m.bytes());
    } else {
      answerExisting(m, outcome);
    }
  }

  /** Checks the labels' JSON sent after the image against the manifest's size and SHA-256, and reads it. */
  private LabelSet labelsOf(Transfers.Transfer tr, byte[] json) throws ProtocolException, IOException {
    Manifest m = tr.manifest;
    if (!Sha256.hex(json).equals(m.labelsSha256())) {
      drop(tr);
      throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH,
          "the " + json.length + " bytes of labels received do not match the manifest's labelsSha256; send the frame again", m.sha256());
    }
    LabelSet labels;
    try {
      labels = Json.MAPPER.readValue(json, LabelSet.class);
    } catch (IOException e) {
      drop(tr);
      throw new ProtocolException(RejectReason.BAD_MANIFEST, "the labels sent after the image are not a label set: "
          + e.getMessage().lines().findFirst().orElse(""), m.sha256());
    }
    String problem = LabelRules.problem(labels, m.width(), m.height());
    if (problem != null) {
      drop(tr);
      throw new ProtocolException(RejectReason.BAD_MANIFEST, "the labels sent after the image: " + problem, m.sha256());
    }
    return labels;
  }

  /** A verified frame waiting for its group's commit, with its manifest as stored (labels in place). */
  private record Ready(Transfers.Transfer tr, Manifest m, Assembled image) {}

  /**
   * Commits the device's frames that completed since its last commit, as one group (one folder fsync
   * and one database commit for all of them), then acks each: called by the device's lane when it has
   * no more messages waiting, so that a frame waits only behind frames already received.
   */
  public void flush(String device) {
    List<Ready> group = groups.remove(device == null ? "" : device);
    if (group == null || group.isEmpty()) {
      return;
    }
    List<FrameStore.Outcome> outcomes;
    try {
      outcomes = store.commitAll(group.stream().map(r -> Manifests.frame(r.m())).toList(),
          group.stream().map(Ready::image).toList(), clock.instant());
    } catch (IOException | RuntimeException e) {
      log.error("ingest: cannot store {} frame(s) of {}: {}", group.size(), device, e.toString());
      release(group);
      for (Ready r : group) {
        reject(device, r.m.frameId(), null, RejectReason.STORAGE_ERROR,
            "the server could not store the frame; try again later");
      }
      return;
    }
    release(group); // the transfers are closed before the acks go out, as for a frame committed alone
    finish(group, outcomes);
  }

  /** Closes the group's transfers and removes what is left of its assembled files (nothing, once committed). */
  private void release(List<Ready> group) {
    for (Ready r : group) {
      try {
        r.image.close();
        drop(r.tr);
      } catch (IOException e) {
        log.warn("ingest: cannot clear the transfer of frame {}: {}", r.m.frameId(), e.getMessage());
      }
    }
  }

  /** Commits what every device has waiting (at stop). */
  public void flushAll() {
    for (String device : List.copyOf(groups.keySet())) {
      flush(device);
    }
  }

  /** Acks committed frames, in order, then measures the stored ones (after the acks: devices do not wait for it). */
  private void finish(List<Ready> group, List<FrameStore.Outcome> outcomes) {
    List<Manifest> measure = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      Transfers.Transfer tr = group.get(i).tr;
      Manifest m = group.get(i).m;
      FrameStore.Outcome outcome = outcomes.get(i);
      if (outcome == FrameStore.Outcome.STORED) {
        stored.increment();
        Witness.record("ack", m.deviceId(), m.frameId(), m.sha256(), "stored");
        reply(m.deviceId(), Ack.stored(m.frameId(), m.sha256()));
        storedBy.computeIfAbsent(m.deviceId(), d -> new LongAdder()).increment();
        ingestLatency.observeNanos(System.nanoTime() - tr.startNanos);
        measure.add(m);
      } else {
        answerExisting(m, outcome);
      }
    }
    if (measureOnIngest) {
      for (Manifest m : measure) {
        try {
          store.measure(m.deviceId(), m.frameId());
        } catch (IOException | RuntimeException e) {
          log.warn("cannot measure frame {}/{} (fieldcap clean will): {}", m.deviceId(), m.frameId(), e.getMessage());
        }
      }
    }
  }

  private void drop(Transfers.Transfer tr) throws IOException {
    store.dropStaged(tr.key.device(), tr.key.frameId());
    transfers.close(tr.key);
  }

  /** Drops transfers idle since {@code cutoff} (epoch ms) and releases their reservations; returns how many. */
  public int expire(long cutoff) throws IOException {
    int n = 0;
    for (Transfers.Key k : transfers.idleSince(cutoff)) {
      store.dropStaged(k.device(), k.frameId());
      transfers.close(k);
      n++;
    }
    return n;
  }

  /** The id is taken: by the same bytes (duplicate, the device may delete) or by others (conflict, the device re-keys). */
  private void answerExisting(Manifest m, FrameStore.Outcome outcome) {
    if (outcome == FrameStore.Outcome.DUPLICATE) {
      duplicates.increment();
      Witness.record("ack", m.deviceId(), m.frameId(), m.sha256(), "duplicate");
      reply(m.deviceId(), Ack.duplicate(m.frameId(), m.sha256()));
    } else {
      conflicts.increment();
      log.warn("ingest: device '{}' offered other bytes under frame id {}, which is already stored; asked it to re-key",
          m.deviceId(), m.frameId());
      reply(m.deviceId(), Ack.conflict(m.frameId(), m.sha256()));
    }
  }

  /**
   * Counts a rejection and answers it, at most {@link #REJECTIONS_PER_SECOND} a second per device (a
   * device that floods the server with bad messages gets some answers, not one per message), and logs
   * at most one line per device every 10 seconds.
   */
  private void reject(String device, String frameId, String sha256, RejectReason reason, String message) {
    rejected.computeIfAbsent(reason.code(), k -> new LongAdder()).increment();
    if (device == null || device.isEmpty()) {
      log.warn("ingest: rejected a message without a device: {}: {}", reason.code(), message);
      return;
    }
    RejectionWindow w = rejectionWindows.computeIfAbsent(device, d -> new RejectionWindow());
    long now = System.nanoTime();
    RejectionWindow.Verdict v = w.admit(now);
    if (v.log()) {
      log.warn("ingest: rejected {} from device '{}': {}: {}{}", frameId == null ? "a message" : "frame " + frameId,
          device, reason.code(), message, v.suppressed() > 0 ? " (and " + v.suppressed() + " more rejections since the last line)" : "");
    }
    if (v.answer()) {
      reply(device, Ack.rejected(frameId, sha256, reason, message));
    }
  }

}
