package io.fieldcap.agent;

import io.fieldcap.capture.FrameBuffers;
import io.fieldcap.faults.CrashPoint;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.spool.SpoolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's last thread: each labeled frame goes through the select, redact and write stages in
 * turn ({@link Selector}, {@link Redaction}, {@link FrameEncoder} then {@link Spool#putAll}). Frames
 * that arrive while others are being encoded are stored together, as one group commit of at most
 * {@value #MAX_BATCH}; a frame alone is stored at once, so that batching never makes a frame wait
 * for one that has not arrived. A frame that cannot be stored (the disk failed under the spool) is
 * counted as dropped and logged once per run of failures; the writer keeps going.
 */
final class SpoolWriter extends Stage<Labeled> {
  private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);
  /** The most frames stored in one group commit. */
  static final int MAX_BATCH = 16;

  private final Selector selector;
  private final Redaction redaction;
  private final FrameEncoder encoder;
  private final LongAdder encodeNanos = new LongAdder();
  private final LongAdder storeNanos = new LongAdder();
  private final LongAdder written = new LongAdder();
  private boolean failing;
  private final List<SpoolEntry> batch = new ArrayList<>();
  private final ClipRecorder clips;
  private final Duration clipWait;
  private final FrameBuffers buffers;

  /**
   * With {@code clips} (null: no rule records clips), given up to {@code clipWait} at a stop to store the last;
   * each frame's array goes back to {@code buffers} once it is encoded (or rejected), unless best-shot rules
   * may hold frames for later.
   */
  SpoolWriter(BlockingQueue<Labeled> queue, Spool spool, Selector selector, Redaction redaction, FrameEncoder encoder,
      ClipRecorder clips, Duration clipWait, FrameBuffers buffers) {
    super(queue, spool);
    this.buffers = buffers;
    this.selector = selector;
    this.redaction = redaction;
    this.encoder = encoder;
    this.clips = clips;
    this.clipWait = clipWait;
  }

  /** [encode ns, store ns, frames written] so far. */
  long[] stageNanos() {
    return new long[] {encodeNanos.sum(), storeNanos.sum(), written.sum()};
  }

  /** The name of the JPEG encoder in use. */
  String encoderName() {
    return encoder.name();
  }

  @Override
  void finished() {
    for (Kept k : selector.drain()) { // best shots held for tracks that were still going
      write(k);
    }
    store(); // what was encoded before the stop
    if (clips != null) {
      clips.close(clipWait); // the clip being recorded ends with the frames so far
    }
    encoder.close();
    redaction.close();
  }

  @Override
  void handle(Labeled l) {
    CrashPoint.reach("stage.write");
    String clipRule = null;
    int clipPriority = 0;
    Kept now = null;
    for (Kept k : selector.select(l)) { // dropped before encoding: a rejected frame costs no JPEG and no write
      Kept w = write(k);
      if (clips != null && selector.clips(k.rule()) && (clipRule == null || k.priority() > clipPriority)) {
        clipRule = k.rule();
        clipPriority = k.priority();
      }
      if (w != null && w.frame() == l.frame()) {
        now = w;
      }
    }
    if (clips != null) {
      clip(l, now, clipRule, clipPriority);
    }
    if (!selector.holdsFrames()) {
      buffers.give(l.frame().bgr()); // encoded (JPEG, clip buffer) or rejected: nothing refers to its pixels now
    }
    if (!more()) {
      store();
    }
  }

  /** The frame into the clip buffer: redacted first if it was not kept (a kept frame was, in place). */
  private void clip(Labeled l, Kept kept, String rule, int priority) {
    if (!clips.wants(l.frame().capturedAt(), rule != null)) {
      return;
    }
    Kept k = kept != null ? kept : redaction.redactForClip(new Kept(l.frame(), l.labels(), null, 0, false));
    if (k != null) {
      clips.offer(l.frame(), k.labels(), rule, priority);
    }
  }

  /** Redacts and encodes a kept frame into the batch; the frame as redacted, or null when it could not be. */
  private Kept write(Kept kept) {
    Kept k = redaction.redact(kept);
    if (k == null) {
      return null;
    }
    long t0 = System.nanoTime();
    batch.add(encoder.encode(k));
    encodeNanos.add(System.nanoTime() - t0);
    if (batch.size() >= MAX_BATCH) {
      store();
    }
    return k;
  }

  /** Stores the frames encoded so far in one group commit; counted as dropped if the spool cannot take them. */
  private void store() {
    if (batch.isEmpty()) {
      return;
    }
    try {
      long t1 = System.nanoTime();
      spool.putAll(batch);
      for (SpoolEntry e : batch) {
        selector.stored(e.reason(), e.capturedAt(), e.jpeg().length);
      }
      storeNanos.add(System.nanoTime() - t1);
      written.add(batch.size());
      if (failing) {
        log.info("spool writes work again");
        failing = false;
      }
    } catch (SpoolException | IllegalStateException e) {
      spool.captured(Counters.DROPPED, batch.size());
      if (!failing) {
        log.error("cannot store frames: {}; frames are counted as dropped until this clears", e.getMessage());
        failing = true;
      }
    } finally {
      batch.clear();
    }
  }
}
