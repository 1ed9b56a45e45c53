package io.fieldcap.spool;

import java.util.HashMap;
import java.util.Map;

/**
 * Counter increments waiting to be written to the spool's database. Its lock is never held across
 * I/O, so the capture thread can count without waiting for the disk; the spool takes the buffer out
 * to write it in its own commits and puts it back when a write fails. Thread-safe.
 */
final class CounterBuffer {
  private Map<String, Long> pending = new HashMap<>();

  synchronized void add(String counter, long delta) {
    pending.merge(counter, delta, Long::sum);
  }

  /** {@code n} captured frames and their fate, in one step: no reading sees one without the other. */
  synchronized void captured(String fate, long n) {
    pending.merge(Counters.CAPTURED, n, Long::sum);
    pending.merge(fate, n, Long::sum);
  }

  /** Takes everything out, to be written; {@link #restore} puts it back when the write fails. */
  synchronized Map<String, Long> take() {
    Map<String, Long> out = pending;
    pending = new HashMap<>();
    return out;
  }

  synchronized void restore(Map<String, Long> counts) {
    counts.forEach((k, v) -> pending.merge(k, v, Long::sum));
  }

  synchronized Map<String, Long> copy() {
    return new HashMap<>(pending);
  }
}
