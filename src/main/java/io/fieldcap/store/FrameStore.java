package io.fieldcap.store;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the server keeps frames and reassembles them. Every method is safe to call from several
 * server processes sharing the same store: staged state lives in the store, not in a process, so
 * the manifest and the chunks of one frame may arrive at different servers of a shared subscription.
 */
public interface FrameStore extends Frames, AutoCloseable {
  /** What {@link #commit} did. */
  enum Outcome {
    STORED,
    /** The same bytes (same SHA-256) were already stored under this id. */
    DUPLICATE,
    /** Other bytes are stored under this id; nothing was written. */
    CONFLICT
  }

  boolean contains(String device, String frameId) throws IOException;

  /** The event clips: where ingest stores a clip ({@link Clips#commit}). */
  Clips clips();

  /** The SHA-256 of the frame stored under this id, or null when there is none. */
  String storedSha256(String device, String frameId) throws IOException;

  /**
   * Records the manifest of a frame being transferred, as the bytes ingest hands over; other bytes for
   * the same id replace them and drop the chunks staged under it.
   */
  void stage(Transfer t, byte[] manifest) throws IOException;

  /** The staged manifest's bytes, or null. */
  byte[] staged(String device, String frameId) throws IOException;

  /** Stores one chunk of a staged frame (atomically: a chunk is either whole or absent). */
  void putChunk(String device, String frameId, int index, byte[] data) throws IOException;

  /** Indexes of the chunks of a staged frame not yet received (looks at every chunk: once per manifest, not per chunk). */
  List<Integer> missingChunks(Transfer t) throws IOException;

  /** Whether one chunk of a staged frame is here (one look, for per-chunk bookkeeping). */
  boolean hasChunk(String device, String frameId, int index);

  /**
   * The staged chunks streamed, in order, into a temporary file that is fsynced, hashing on the way:
   * no copy of the whole frame on the heap. The caller checks it, then {@link #commit(NewFrame,
   * Assembled, Instant) commits} it or {@link Assembled#close() discards} it.
   */
  Assembled assemble(Transfer t) throws IOException;

  /**
   * A frame that came whole in one message, written to an fsynced temporary file with its SHA-256,
   * without staging its one chunk: nothing else of it can be elsewhere.
   */
  Assembled assemble(String device, String frameId, byte[] whole) throws IOException;

  /**
   * Makes a verified frame durable: the assembled file is renamed into place and its folder fsynced,
   * then its row is committed. Idempotent on (device, frame id): a second commit of the same bytes
   * reports DUPLICATE, of other bytes CONFLICT (and changes nothing).
   */
  Outcome commit(NewFrame f, Assembled image, Instant receivedAt) throws IOException;

  /**
   * {@link #commit(NewFrame, Assembled, Instant)} for frames that completed together, as one group
   * commit: every image made durable (one fsync per folder for files), then every row in one
   * transaction. One outcome per frame, in order; the images are consumed as by a single commit.
   */
  List<Outcome> commitAll(List<NewFrame> fs, List<Assembled> images, Instant receivedAt) throws IOException;

  /** {@link #commit(NewFrame, Assembled, Instant)} for an image in memory. */
  Outcome commit(NewFrame f, byte[] image, Instant receivedAt) throws IOException;

  /**
   * Measures a stored frame's image ({@link io.fieldcap.image.Look}: perceptual hash, sharpness, what
   * makes it broken) and records it, for {@code fieldcap clean}. Called after the frame is acked; a
   * frame that was not measured (a crash in between) is measured by {@code clean}.
   */
  void measure(String device, String frameId) throws IOException;

  /** Forgets a staged frame and its chunks. */
  void dropStaged(String device, String frameId) throws IOException;

  /** Drops staged transfers older than {@code cutoff}; returns how many. */
  int expireStaged(Instant cutoff) throws IOException;

  /** Every stored frame, in (device, capture time) order. */
  @Override
  void forEach(Consumer<StoredFrame> action) throws IOException;

  @Override
  void close();
}
