package io.fieldcap.sync;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket over bytes: {@link #acquire} waits until sending {@code n} more bytes keeps the
 * average at or under the rate. The bucket holds one second of bytes, so a quiet link may send one
 * second's worth at once. Used by one thread.
 */
final class ByteRate {
  private final long bytesPerSecond;
  private double tokens;
  private long lastNanos;

  /** {@code bytesPerSecond} 0 means no cap. */
  ByteRate(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = bytesPerSecond;
    this.lastNanos = System.nanoTime();
  }

  void acquire(long n) throws InterruptedException {
    if (bytesPerSecond <= 0) {
      return;
    }
    refill();
    tokens -= n;
    if (tokens < 0) {
      long waitNanos = (long) (-tokens / bytesPerSecond * 1e9);
      TimeUnit.NANOSECONDS.sleep(waitNanos);
      refill();
    }
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) / 1e9 * bytesPerSecond);
    lastNanos = now;
  }
}
