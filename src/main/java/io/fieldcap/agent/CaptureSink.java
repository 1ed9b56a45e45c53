package io.fieldcap.agent;

import io.fieldcap.capture.FrameBuffers;
import io.fieldcap.capture.FrameSink;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Frame;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the capture loop hands frames to the pipeline: each frame gets the device's position as it is
 * taken (not when it is encoded), then goes into the bounded queue before the preparer. A live source
 * (camera, stream, a clip played in real time) never waits: when the queue is full the frame is dropped
 * and counted. A folder or a clip read as fast as possible waits for room instead: nothing is lost by
 * waiting. A frame is counted as captured where its fate is known: here when dropped, else later.
 */
final class CaptureSink implements FrameSink {
  private static final Logger log = LoggerFactory.getLogger(CaptureSink.class);

  private final BlockingQueue<Frame> queue;
  private final boolean live;
  private final Supplier<Fix> where;
  private final Spool spool;
  private final FrameBuffers buffers;

  CaptureSink(BlockingQueue<Frame> queue, boolean live, Supplier<Fix> where, Spool spool) {
    this(queue, live, where, spool, FrameBuffers.NONE);
  }

  /** {@code buffers}: where the arrays of frames dropped here go back. */
  CaptureSink(BlockingQueue<Frame> queue, boolean live, Supplier<Fix> where, Spool spool, FrameBuffers buffers) {
    this.buffers = buffers;
    this.queue = queue;
    this.live = live;
    this.where = where;
    this.spool = spool;
  }

  @Override
  public void accept(Frame captured) {
    Fix at = where.get();
    Frame frame = at == null ? captured : captured.at(at);
    if (live) {
      if (!queue.offer(frame)) {
        spool.captured(Counters.DROPPED, 1);
        buffers.give(frame.bgr());
      }
      return;
    }
    try {
      queue.put(frame);
    } catch (InterruptedException e) {
      spool.captured(Counters.DROPPED, 1);
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void skipped(String item, String reason) {
    spool.skip(item, reason);
    log.warn("skipped {}: {}", item, reason);
  }
}
