package io.fieldcap.capture;

/**
 * Paces a source to a rate: {@link #due(long)} for sources that must keep reading and drop what is
 * early (cameras), {@link #nanosUntilDue(long)} for sources that can wait (folders). Not
 * thread-safe; one per source.
 */
final class RateGate {
  private final long periodNanos;
  private long next = Long.MIN_VALUE;

  RateGate(double fps) {
    if (!(fps > 0)) {
      throw new IllegalArgumentException("fps must be positive, was " + fps);
    }
    this.periodNanos = (long) (1_000_000_000L / fps);
  }

  /** Whether a frame read at {@code now} should be kept; if so, the next one is due a period later. */
  boolean due(long now) {
    if (next != Long.MIN_VALUE && now < next) {
      return false;
    }
    // Keep the cadence, but do not let a stall build up a burst of "overdue" frames.
    next = (next == Long.MIN_VALUE || now - next >= periodNanos) ? now + periodNanos : next + periodNanos;
    return true;
  }

  /** How long to wait before the next frame is due (0 when it is due now). */
  long nanosUntilDue(long now) {
    return next == Long.MIN_VALUE ? 0 : Math.max(0, next - now);
  }
}
