package io.fieldcap.agent;

import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of the agent's pipeline on its own thread, taking items from a bounded queue. Stopping
 * drains: the items in hand are handled until a deadline, and any left then are counted as dropped.
 */
abstract class Stage<T> implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Stage.class);

  private final BlockingQueue<T> queue;
  protected final Spool spool;
  private volatile boolean draining;
  private volatile long drainDeadline;

  Stage(BlockingQueue<T> queue, Spool spool) {
    this.queue = queue;
    this.spool = spool;
  }

  /** Handles one item; must not throw for a bad item. */
  abstract void handle(T item) throws InterruptedException;

  /** Called on the stage's thread once it has stopped, to release what it holds. */
  void finished() {}

  /** Finish the items in hand until {@code timeout}, then stop. */
  void drain(Duration timeout) {
    drainDeadline = System.nanoTime() + timeout.toNanos();
    draining = true;
  }

  @Override
  public void run() {
    try {
      while (true) {
        T item = queue.poll(50, TimeUnit.MILLISECONDS);
        if (item != null) {
          handle(item);
        }
        if (draining && (queue.isEmpty() || System.nanoTime() > drainDeadline)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished();
      int left = queue.size();
      queue.clear();
      if (left > 0) {
        spool.count(Counters.DROPPED, left);
        log.warn("stopping: {} frame(s) still in hand in {} were not stored; counted as dropped", left,
            Thread.currentThread().getName());
      }
    }
  }
}
