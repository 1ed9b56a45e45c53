package io.fieldcap.capture;

import java.time.Duration;

/** Exponential backoff from {@code first}, doubling up to {@code max}; {@link #reset()} after a success. */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private Duration current;

  Backoff(Duration first, Duration max) {
    this.first = first;
    this.max = max.compareTo(first) < 0 ? first : max;
    this.current = first;
  }

  /** The delay before the next attempt; each call doubles the one after. */
  Duration next() {
    Duration d = current;
    Duration doubled = current.multipliedBy(2);
    current = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  void reset() {
    current = first;
  }
}
