package io.fieldcap.agent;

import io.fieldcap.capture.FrameBuffers;
import io.fieldcap.faults.CrashPoint;
import io.fieldcap.inference.Detector;
import io.fieldcap.model.Frame;
import io.fieldcap.select.FrameQuality;
import io.fieldcap.select.QualityGate;
import io.fieldcap.spool.Spool;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Measures each frame's quality and drops blurred or badly exposed ones (counted by reason) before
 * any inference is spent on them; resizes and converts the rest into one of the model's input
 * buffers on its own thread, so that preparing the next frame overlaps inference of this one.
 * Without a model, frames that pass the filters pass through.
 */
final class Preparer extends Stage<Frame> {
  /** A frame, the model it was prepared for and its prepared input (both null without a model). */
  record Ready(Frame frame, Detector detector, Detector.Prepared input, FrameQuality quality) {}

  private final Supplier<Detector> models;
  private final QualityGate gate;
  private final FrameQuality.Meter meter = new FrameQuality.Meter();
  private final BlockingQueue<Ready> next;
  private final LongAdder nanos = new LongAdder();
  private final FrameBuffers buffers;

  /**
   * @param models the model to prepare each frame for, read per frame (an update may switch it)
   * @param buffers where the arrays of frames rejected here go back
   */
  Preparer(BlockingQueue<Frame> in, BlockingQueue<Ready> next, Spool spool, Supplier<Detector> models,
      QualityGate gate, FrameBuffers buffers) {
    super(in, spool);
    this.buffers = buffers;
    this.next = next;
    this.models = models;
    this.gate = gate;
  }

  @Override
  void finished() {
    meter.close();
  }

  long nanos() {
    return nanos.sum();
  }

  @Override
  void handle(Frame f) throws InterruptedException {
    CrashPoint.reach("stage.prepare");
    long t0 = System.nanoTime();
    FrameQuality q = meter.measure(f.width(), f.height(), f.bgr());
    String reject = gate.verdict(q);
    if (reject != null) {
      spool.skip(f.sourceItem(), reject);
      buffers.give(f.bgr());
      nanos.add(System.nanoTime() - t0);
      return;
    }
    Detector detector = models.get();
    Detector.Prepared input = detector == null ? null : detector.prepare(f.width(), f.height(), f.bgr());
    nanos.add(System.nanoTime() - t0);
    next.put(new Ready(f, detector, input, q));
  }
}
