package io.fieldcap.spool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-device sequence numbers that never repeat across restarts: numbers are reserved on disk in
 * blocks ({@code persist} writes the new limit durably), and a crash skips the rest of a block. The
 * next block is reserved on a thread of its own when half of this one is used, so the caller (the
 * capture thread) waits for that write only if it uses up half a block before the write completes.
 *
 * <p>Thread-safe. Lifecycle: construct, {@link #next()} from any thread, {@link #close()} once.
 */
final class Sequences implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sequences.class);
  static final long BLOCK = 1000;

  private final AtomicLong next;
  private final LongConsumer persist;
  private final Object lock = new Object();
  private final ExecutorService reserver = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "spool-seq");
    t.setDaemon(true);
    return t;
  });
  private volatile long reserved;
  private volatile boolean reserving;

  /**
   * @param reserved the limit reserved on disk so far: numbers from it on were never handed out
   * @param persist writes a new limit durably (throws when it cannot)
   */
  Sequences(long reserved, LongConsumer persist) {
    this.next = new AtomicLong(reserved);
    this.reserved = reserved;
    this.persist = persist;
  }

  long next() {
    long seq = next.getAndIncrement();
    long limit = reserved;
    if (seq >= limit - BLOCK / 2 && !reserving) {
      reserving = true;
      reserver.execute(() -> {
        try {
          reserveBeyond(next.get());
        } catch (RuntimeException e) {
          log.warn("could not reserve sequence numbers ahead: {}", e.getMessage());
        } finally {
          reserving = false;
        }
      });
    }
    if (seq >= limit) {
      reserveBeyond(seq); // the block is used up: wait for the reservation rather than hand out an unreserved number
    }
    return seq;
  }

  private void reserveBeyond(long seq) {
    synchronized (lock) {
      if (seq < reserved - BLOCK / 2) {
        return;
      }
      long limit = Math.max(reserved, seq) + BLOCK;
      persist.accept(limit);
      reserved = limit;
    }
  }

  @Override
  public void close() {
    reserver.shutdown();
  }
}
