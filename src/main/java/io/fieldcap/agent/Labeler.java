package io.fieldcap.agent;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.metrics.Histogram;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.Spool;
import io.fieldcap.update.Watch;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model on each prepared frame, on its own thread, so that inference of one frame overlaps
 * the preparation of the next and the JPEG encoding and durable write of the one before. A failed inference passes the frame
 * on unlabeled (logged once per run of failures): a frame is never lost for want of labels.
 * Each frame is labeled by the model it was prepared for; after an update switches models, the
 * first frame of the new one closes the old one (every frame prepared for it has been labeled by
 * then). What each model finds, and where it fails, goes to the update {@link Watch}.
 */
final class Labeler extends Stage<Preparer.Ready> {
  private static final Logger log = LoggerFactory.getLogger(Labeler.class);

  private final BlockingQueue<Labeled> next;
  private final Watch watch;
  private final Supplier<Detector> models;
  private Detector last;
  private final LongAdder nanos = new LongAdder();
  private final Histogram inference = new Histogram();
  private final Tracking tracking;
  private boolean failing;

  Labeler(BlockingQueue<Preparer.Ready> in, BlockingQueue<Labeled> next, Spool spool,
      Supplier<Detector> models, Watch watch, Tracking tracking) {
    super(in, spool);
    this.next = next;
    this.models = models;
    this.watch = watch;
    this.tracking = tracking;
  }

  /** The model this stage used last, when it is no longer the current one: the agent closes it at stop. */
  synchronized Detector retired() {
    return last != null && last != models.get() ? last : null;
  }

  long nanos() {
    return nanos.sum();
  }

  /** Each frame's inference and decoding time, for the metrics. */
  Histogram inference() {
    return inference;
  }

  @Override
  void handle(Preparer.Ready r) throws InterruptedException {
    Frame f = r.frame();
    long t0 = System.nanoTime();
    LabelSet set = null;
    Detector detector = r.detector();
    switched(detector);
    if (detector != null && r.input() != null) {
      try {
        set = detector.infer(r.input());
        inference.observeNanos(System.nanoTime() - t0);
        set = tracking.track(set);
        watch.observe(detector, set.detections().size(), false);
        if (failing) {
          log.info("pre-labeling works again");
          failing = false;
        }
      } catch (ModelException e) {
        watch.observe(detector, 0, true);
        if (!failing) {
          log.error("pre-labeling failed: {}; frames are stored without labels until it works again", e.getMessage());
          failing = true;
        }
      }
    }
    nanos.add(System.nanoTime() - t0);
    CrashPoint.reach("stage.label"); // after infer, which has given its input buffer back
    next.put(new Labeled(f, set, r.quality(), tracking.ended()));
  }

  /** The first frame of another model: the previous one has labeled its last frame and is closed. */
  private synchronized void switched(Detector detector) {
    if (detector != last) {
      tracking.restart(); // another model's classes and scores: its tracks start afresh
      if (last != null && last != models.get()) {
        last.close();
      }
      last = detector;
    }
  }
}
