package io.fieldcap.capture;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pixel arrays handed back by the pipeline when it is done with a frame, for the source to read the
 * next frames into. A frame is 1-25 MB (VGA to 4K); allocated afresh for every frame, the arrays of the
 * frames waiting in the queues outlive the young generation's collections, are copied and promoted,
 * and die in the old generation, which then needs full collections (the serial collector's, 20-30 ms
 * each at the agent's heap). Kept here, they stay where they are.
 *
 * <p>It is a cache, not a budget: {@link #take} allocates when none of the right size is free, and
 * {@link #give} drops what does not fit. The pipeline gives an array back only where the frame's last
 * user is done with it (a frame dropped or rejected before inference, or one whose spool write is
 * done and that no best-shot rule holds); a frame that ends anywhere else is simply left to the
 * collector. Thread-safe.
 */
public final class FrameBuffers {
  /** Hands nothing back: every frame gets a new array. */
  public static final FrameBuffers NONE = new FrameBuffers(0);

  private final ArrayBlockingQueue<byte[]> free;
  private final LongAdder allocated = new LongAdder();
  private final LongAdder reused = new LongAdder();

  /** @param max the most arrays kept free (the frames that can be in flight at once is enough) */
  public FrameBuffers(int max) {
    this.free = max > 0 ? new ArrayBlockingQueue<>(max) : null;
  }

  /** An array of {@code length} bytes, reused when one is free (its old pixels are still in it). */
  public byte[] take(int length) {
    if (free != null) {
      for (byte[] b = free.poll(); b != null; b = free.poll()) {
        if (b.length == length) {
          reused.increment();
          return b;
        }
        // the source's size changed: arrays of the old size are dropped
      }
    }
    allocated.increment();
    return new byte[length];
  }

  /** Hands back a frame's array; the caller must not touch it, nor hold any frame made from it, afterwards. */
  public void give(byte[] pixels) {
    if (free != null && pixels != null) {
      free.offer(pixels);
    }
  }

  /** Arrays made so far. */
  public long allocated() {
    return allocated.sum();
  }

  /** Arrays handed out again so far. */
  public long reused() {
    return reused.sum();
  }

  /** Arrays free now. */
  public int free() {
    return free == null ? 0 : free.size();
  }
}
