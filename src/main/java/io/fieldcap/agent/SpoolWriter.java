package io.fieldcap.agent;

import io.fieldcap.image.Images;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.model.LabelSet;
import io.fieldcap.protocol.Codec;
import io.fieldcap.model.Frame;
import io.fieldcap.model.FrameId;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.spool.SpoolException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes frames from the capture queue, encodes them as JPEG and puts them into the spool, on its
 * own thread. A frame that cannot be stored (the disk failed under the spool) is counted as
 * dropped and logged once per run of failures; the writer keeps going.
 */
final class SpoolWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);

  private final BlockingQueue<Frame> queue;
  private final Spool spool;
  private final int jpegQuality;
  private final Detector detector;
  private boolean labelFailing;
  private final java.util.concurrent.atomic.LongAdder labelNanos = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder encodeNanos = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder storeNanos = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder written = new java.util.concurrent.atomic.LongAdder();

  /** Time spent per stage so far, in nanoseconds, and frames written: [label, encode, store, frames]. */
  long[] stageNanos() {
    return new long[] {labelNanos.sum(), encodeNanos.sum(), storeNanos.sum(), written.sum()};
  }
  private volatile boolean draining;
  private volatile long drainDeadline;
  private boolean failing;

  /** @param detector pre-labels each frame before it is encoded, or null */
  SpoolWriter(BlockingQueue<Frame> queue, Spool spool, int jpegQuality, Detector detector) {
    this.queue = queue;
    this.spool = spool;
    this.jpegQuality = jpegQuality;
    this.detector = detector;
  }

  /** The frame's pre-labels as JSON, or null without a model; a failed inference stores the frame unlabeled. */
  private String labels(Frame f) {
    if (detector == null) {
      return null;
    }
    try {
      LabelSet l = detector.detect(f.width(), f.height(), f.bgr());
      if (labelFailing) {
        log.info("pre-labeling works again");
        labelFailing = false;
      }
      return Codec.JSON.writeValueAsString(l);
    } catch (ModelException | java.io.IOException e) {
      if (!labelFailing) {
        log.error("pre-labeling failed: {}; frames are stored without labels until it works again", e.getMessage());
        labelFailing = true;
      }
      return null;
    }
  }

  /** Finish the frames in hand until {@code timeout}, then stop; the rest are counted as dropped. */
  void drain(Duration timeout) {
    drainDeadline = System.nanoTime() + timeout.toNanos();
    draining = true;
  }

  @Override
  public void run() {
    try {
      while (true) {
        Frame f = queue.poll(100, TimeUnit.MILLISECONDS);
        if (f != null) {
          write(f);
        }
        if (draining && (queue.isEmpty() || System.nanoTime() > drainDeadline)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      int left = queue.size();
      queue.clear();
      if (left > 0) {
        spool.count(Counters.DROPPED, left);
        log.warn("stopping: {} frame(s) still in hand were not stored; counted as dropped", left);
      }
    }
  }

  private void write(Frame f) {
    try {
      long t0 = System.nanoTime();
      String labels = labels(f);
      long t1 = System.nanoTime();
      byte[] jpeg = Images.encodeJpeg(f.width(), f.height(), f.bgr(), jpegQuality);
      long t2 = System.nanoTime();
      SpoolEntry e = new SpoolEntry(FrameId.of(f.capturedAt(), f.seq()), f.seq(), f.capturedAt(), f.width(),
          f.height(), jpeg, f.sourceItem(), 0, "all", labels);
      spool.put(e);
      long t3 = System.nanoTime();
      labelNanos.add(t1 - t0);
      encodeNanos.add(t2 - t1);
      storeNanos.add(t3 - t2);
      written.increment();
      if (failing) {
        log.info("spool writes work again");
        failing = false;
      }
    } catch (SpoolException | IllegalStateException e) {
      spool.count(Counters.DROPPED, 1);
      if (!failing) {
        log.error("cannot store frames: {}; frames are counted as dropped until this clears", e.getMessage());
        failing = true;
      }
    }
  }
}
