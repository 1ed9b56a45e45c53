package io.fieldcap.agent;

import io.fieldcap.capture.Nice;
import io.fieldcap.inference.Detector;
import io.fieldcap.metrics.Histogram;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The agent's three stage threads: preparer, labeler, spool writer (which selects, redacts and writes),
 * with short bounded queues between them so that preparing the next frame, inference, and encoding
 * and the durable write of the previous one overlap. Inference keeps the process's priority; the
 * preparer and the writer run at {@code agent.nice}, in the CPU time it leaves (docs/benchmarks.md).
 */
final class Pipeline {
  private final Preparer preparer;
  private final Labeler labeler;
  private final SpoolWriter writer;
  private final Thread preparerThread;
  private final Thread labelerThread;
  private final Thread writerThread;

  Pipeline(Preparer preparer, Labeler labeler, SpoolWriter writer, int nice, BiConsumer<String, Throwable> onDeath) {
    this.preparer = preparer;
    this.labeler = labeler;
    this.writer = writer;
    for (Stage<?> st : new Stage<?>[] {preparer, labeler, writer}) {
      st.onDeath(onDeath);
    }
    Nice.work(nice);
    preparerThread = new Thread(Nice.lowered(nice, preparer), "preparer");
    labelerThread = new Thread(labeler, "labeler");
    writerThread = new Thread(Nice.lowered(nice, writer), "spool-writer");
  }

  void start() {
    preparerThread.start();
    labelerThread.start();
    writerThread.start();
  }

  /**
   * Drains the stages in order until {@code deadline} (System.nanoTime), keeping {@code reserve}
   * for what stops after them: each finishes the frames in hand while time allows, the rest are
   * counted as dropped.
   */
  void drain(long deadline, Duration reserve) throws InterruptedException {
    long third = reserve.toNanos();
    preparer.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime() - third)));
    preparerThread.join(Math.max(1, (deadline - System.nanoTime() - third) / 1_000_000));
    labeler.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime() - third)));
    labelerThread.join(Math.max(1, (deadline - System.nanoTime() - third / 2) / 1_000_000));
    writer.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime() - third / 2)));
    writerThread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
  }

  /** Once {@link #labelerStopped()}: the model the labeler used last, when it is no longer the current one, or null. */
  Detector retired() {
    return labeler.retired();
  }

  /** Whether the labeler has stopped (models may then be closed). */
  boolean labelerStopped() {
    return !labelerThread.isAlive();
  }

  void health(Map<String, Object> h) {
    h.put("preparer", preparer.health());
    h.put("labeler", labeler.health());
    h.put("writer", writer.health());
  }

  /**
   * Per-stage time so far, in nanoseconds: preparing model inputs (including any wait for a free
   * input buffer), inference and decoding, JPEG encoding, storing; then frames stored.
   */
  long[] stageNanos() {
    long[] w = writer.stageNanos();
    return new long[] {preparer.nanos(), labeler.nanos(), w[0], w[1], w[2]};
  }

  String encoderName() {
    return writer.encoderName();
  }

  Histogram inference() {
    return labeler.inference();
  }
}
