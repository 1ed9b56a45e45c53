package io.fieldcap.agent;

import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.protocol.Codec;
import io.fieldcap.spool.Spool;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model on each prepared frame, on its own thread, so that inference of one frame overlaps
 * the preparation of the next and the JPEG encoding and durable write of the one before. A failed inference passes the frame
 * on unlabeled (logged once per run of failures): a frame is never lost for want of labels.
 */
final class Labeler extends Stage<Preparer.Ready> {
  private static final Logger log = LoggerFactory.getLogger(Labeler.class);

  private final Detector detector;
  private final BlockingQueue<Labeled> next;
  private final LongAdder nanos = new LongAdder();
  private final io.fieldcap.metrics.Histogram inference = new io.fieldcap.metrics.Histogram();
  private boolean failing;

  /** @param detector the model, or null to pass frames on unlabeled */
  Labeler(BlockingQueue<Preparer.Ready> in, BlockingQueue<Labeled> next, Spool spool, Detector detector) {
    super(in, spool);
    this.next = next;
    this.detector = detector;
  }

  long nanos() {
    return nanos.sum();
  }

  /** Each frame's inference and decoding time, for the metrics. */
  io.fieldcap.metrics.Histogram inference() {
    return inference;
  }

  @Override
  void handle(Preparer.Ready r) throws InterruptedException {
    Frame f = r.frame();
    long t0 = System.nanoTime();
    String labels = null;
    LabelSet set = null;
    if (detector != null && r.input() != null) {
      try {
        set = detector.infer(r.input());
        inference.observeNanos(System.nanoTime() - t0);
        labels = Codec.JSON.writeValueAsString(set);
        if (failing) {
          log.info("pre-labeling works again");
          failing = false;
        }
      } catch (ModelException | IOException e) {
        if (!failing) {
          log.error("pre-labeling failed: {}; frames are stored without labels until it works again", e.getMessage());
          failing = true;
        }
      }
    }
    nanos.add(System.nanoTime() - t0);
    io.fieldcap.faults.CrashPoint.reach("stage.label"); // after infer, which has given its input buffer back
    next.put(new Labeled(f, labels, set, r.quality()));
  }
}
