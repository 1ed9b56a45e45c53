package io.fieldcap.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Caps what one device may make the server do per second: messages and bytes, each a token bucket
 * holding one second's worth. A message over either budget is dropped before any work is done on it
 * (and counted); a well-behaved device that is dropped loses nothing, it offers the frame again after
 * its ack timeout and sends only the chunks the server still lacks. This is what bounds the disk
 * writes and lookups a flooding device can cause; the lanes bound what it can queue.
 *
 * <p>Thread-safe.
 */
public final class DeviceThrottle {
  private final double messagesPerSecond;
  private final double bytesPerSecond;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  private static final class Bucket {
    double messages;
    double bytes;
    long last;
  }

  /**
   * @param messagesPerSecond messages a device may send per second (0: no cap)
   * @param bytesPerSecond payload bytes a device may send per second (0: no cap)
   */
  public DeviceThrottle(long messagesPerSecond, long bytesPerSecond, LongSupplier nanos) {
    this.messagesPerSecond = messagesPerSecond;
    this.bytesPerSecond = bytesPerSecond;
    this.nanos = nanos;
  }

  /** Whether a message of {@code bytes} from {@code device} is within its budget (and takes it from the budget). */
  public boolean admit(String device, int bytes) {
    if (messagesPerSecond <= 0 && bytesPerSecond <= 0) {
      return true;
    }
    Bucket b = buckets.computeIfAbsent(device == null ? "" : device, d -> {
      Bucket nb = new Bucket();
      nb.messages = messagesPerSecond;
      nb.bytes = bytesPerSecond;
      nb.last = nanos.getAsLong();
      return nb;
    });
    synchronized (b) {
      long now = nanos.getAsLong();
      double seconds = (now - b.last) / 1e9;
      b.last = now;
      b.messages = Math.min(messagesPerSecond, b.messages + seconds * messagesPerSecond);
      b.bytes = Math.min(bytesPerSecond, b.bytes + seconds * bytesPerSecond);
      boolean ok = (messagesPerSecond <= 0 || b.messages >= 1) && (bytesPerSecond <= 0 || b.bytes >= Math.min(bytes, bytesPerSecond));
      if (ok) {
        b.messages -= 1;
        b.bytes -= bytes;
      } else {
        dropped.increment();
      }
      return ok;
    }
  }

  /** Messages dropped for being over a device's budget. */
  public long dropped() {
    return dropped.sum();
  }

  /** Forgets devices whose buckets are full again (quiet for a second or more). */
  public void trim() {
    long now = nanos.getAsLong();
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return now - b.last > 2_000_000_000L;
      }
    });
  }
}
