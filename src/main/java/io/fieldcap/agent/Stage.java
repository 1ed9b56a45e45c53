package io.fieldcap.agent;

import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of the agent's pipeline on its own thread, taking items from a bounded queue. A failure
 * on one item (an exception) is counted as {@code rejectedBy.error}, logged (at most once a minute,
 * with the count since) and survived: the stage goes on with the next item. A stage that dies anyway
 * (an Error, such as running out of memory) reports it to the agent, which stops with exit code 1 so
 * that systemd restarts it, instead of running on without that stage. Stopping drains: the items in
 * hand are handled until a deadline, and any left then are counted as dropped.
 */
abstract class Stage<T> implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Stage.class);
  static final String ERROR = "error";
  private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private final BlockingQueue<T> queue;
  protected final Spool spool;
  private volatile boolean draining;
  private volatile long drainDeadline;
  private volatile BiConsumer<String, Throwable> onDeath = (stage, t) -> {};
  private volatile String health = "ok";
  private long lastErrorLog;
  private long errorsSinceLog;

  Stage(BlockingQueue<T> queue, Spool spool) {
    this.queue = queue;
    this.spool = spool;
  }

  /** Handles one item. An exception counts the item as an error; the stage goes on. */
  abstract void handle(T item) throws InterruptedException;

  /** Whether more items are already waiting (a stage may then gather work into one batch). */
  boolean more() {
    return !queue.isEmpty();
  }

  /** Called on the stage's thread once it has stopped, to release what it holds. */
  void finished() {}

  /** Told (on the stage's thread) when the stage dies of an Error. */
  void onDeath(BiConsumer<String, Throwable> listener) {
    this.onDeath = listener;
  }

  /** {@code ok}, {@code failing: ...} (the last item failed) or {@code dead: ...}. */
  String health() {
    return health;
  }

  /** Finish the items in hand until {@code timeout}, then stop. */
  void drain(Duration timeout) {
    drainDeadline = System.nanoTime() + timeout.toNanos();
    draining = true;
  }

  @Override
  public void run() {
    Throwable death = null;
    try {
      while (true) {
        T item = queue.poll(50, TimeUnit.MILLISECONDS);
        if (item != null) {
          try {
            handle(item);
            health = "ok";
          } catch (RuntimeException e) {
            failed(e);
          }
        }
        if (draining && (queue.isEmpty() || System.nanoTime() > drainDeadline)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      death = e;
      health = "dead: " + e;
    } finally {
      finished();
      int left = queue.size();
      queue.clear();
      if (left > 0) {
        spool.captured(Counters.DROPPED, left);
        log.warn("stopping: {} frame(s) still in hand in {} were not stored; counted as dropped", left,
            Thread.currentThread().getName());
      }
      if (death != null) {
        onDeath.accept(Thread.currentThread().getName(), death);
      }
    }
  }

  private void failed(RuntimeException e) {
    spool.captured(Counters.REJECTED_PREFIX + ERROR, 1);
    health = "failing: " + e;
    errorsSinceLog++;
    long now = System.nanoTime();
    if (lastErrorLog == 0 || now - lastErrorLog >= LOG_EVERY_NANOS) {
      log.error("{}: a frame failed and was dropped (counted as rejectedBy.error; {} since the last such line): {}",
          Thread.currentThread().getName(), errorsSinceLog, e.toString(), e);
      lastErrorLog = now;
      errorsSinceLog = 0;
    }
  }
}
