package io.fieldcap.agent;

import io.fieldcap.inference.Detector;
import io.fieldcap.model.Frame;
import io.fieldcap.spool.Spool;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Resizes and converts each frame into one of the model's input buffers on its own thread, so that
 * preparing the next frame overlaps inference of this one. Without a model, frames pass through.
 */
final class Preparer extends Stage<Frame> {
  /** A frame and its prepared model input (null without a model). */
  record Ready(Frame frame, Detector.Prepared input) {}

  private final Detector detector;
  private final BlockingQueue<Ready> next;
  private final LongAdder nanos = new LongAdder();

  Preparer(BlockingQueue<Frame> in, BlockingQueue<Ready> next, Spool spool, Detector detector) {
    super(in, spool);
    this.next = next;
    this.detector = detector;
  }

  long nanos() {
    return nanos.sum();
  }

  @Override
  void handle(Frame f) throws InterruptedException {
    long t0 = System.nanoTime();
    Detector.Prepared input = detector == null ? null : detector.prepare(f.width(), f.height(), f.bgr());
    nanos.add(System.nanoTime() - t0);
    next.put(new Ready(f, input));
  }
}
