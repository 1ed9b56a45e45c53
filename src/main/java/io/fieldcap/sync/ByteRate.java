package io.fieldcap.sync;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket over bytes: {@link #acquire} waits until sending {@code n} more bytes keeps the
 * average at or under the rate. The bucket holds one second of bytes, so a quiet link may send one
 * second's worth at once. Used by one thread. Time and waiting are injected, so that tests drive them.
 */
final class ByteRate {
  /** Waits a number of nanoseconds. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private double tokens;
  private long lastNanos;

  /** {@code bytesPerSecond} 0 means no cap. */
  ByteRate(long bytesPerSecond) {
    this(bytesPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  ByteRate(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.tokens = bytesPerSecond;
    this.lastNanos = nanoTime.getAsLong();
  }

  void acquire(long n) throws InterruptedException {
    if (bytesPerSecond <= 0) {
      return;
    }
    refill();
    tokens -= n;
    if (tokens < 0) {
      sleeper.sleep((long) (-tokens / bytesPerSecond * 1e9));
      refill();
    }
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) / 1e9 * bytesPerSecond);
    lastNanos = now;
  }
}
