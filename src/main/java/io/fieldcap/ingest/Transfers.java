package io.fieldcap.ingest;

import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * The server's bookkeeping of frames being received, and the limits that keep one device from
 * hurting the others: each transfer reserves its manifest's {@code bytes} when it opens, and a new
 * transfer is refused ({@code staging-full}, which a device retries later) when the device's
 * transfers, all transfers, or the disk would pass their limits. Completion is tracked per chunk in
 * constant time (amortised), not by looking at every staged chunk again.
 *
 * <p>Thread-safe. The staged bytes themselves live in the {@link io.fieldcap.store.FrameStore}; this
 * is a per-process view of them, rebuilt from the store for transfers that began in another server
 * process or before a restart ({@link #open} again).
 */
final class Transfers {
  /** A transfer's identity. */
  record Key(String device, String frameId) {}

  /** One frame being received. */
  static final class Transfer {
    final Key key;
    final Manifest manifest;
    private final BitSet have;
    private int next; // every chunk below this index is here
    private long lastActivity;
    /** When the manifest arrived (System.nanoTime), for the ingest latency. */
    final long startNanos = System.nanoTime();

    Transfer(Key key, Manifest manifest, long now) {
      this.key = key;
      this.manifest = manifest;
      this.have = new BitSet(manifest.chunks());
      this.lastActivity = now;
    }

    /** Marks every chunk present except {@code missing} (after looking at the store once). */
    synchronized void present(List<Integer> missing, long now) {
      have.set(0, manifest.chunks());
      for (int i : missing) {
        have.clear(i);
      }
      lastActivity = now;
    }

    synchronized void received(int index, long now) {
      have.set(index);
      lastActivity = now;
    }

    /**
     * Whether every chunk is here. Walks forward from the first chunk not yet known to be here,
     * asking {@code elsewhere} (the store, where another server may have put it) about each chunk this
     * process did not receive itself; each index is passed once, so a frame of n chunks costs O(n) in
     * all, not O(n^2).
     */
    synchronized boolean complete(IntPredicate elsewhere) {
      while (next < manifest.chunks()) {
        if (!have.get(next)) {
          if (!elsewhere.test(next)) {
            return false;
          }
          have.set(next);
        }
        next++;
      }
      return true;
    }

    synchronized long lastActivity() {
      return lastActivity;
    }
  }

  private final long maxPerDevice;
  private final long maxTotal;
  private final long minFree;
  private final LongSupplier freeBytes;
  private final Map<Key, Transfer> open = new HashMap<>();
  private final Map<String, Long> byDevice = new HashMap<>();
  private long total;

  /**
   * @param maxPerDevice most bytes one device may have in transfers at once
   * @param maxTotal most bytes in transfers at once, all devices
   * @param minFree free bytes always left on the staging disk
   * @param freeBytes the staging disk's free bytes now
   */
  Transfers(long maxPerDevice, long maxTotal, long minFree, LongSupplier freeBytes) {
    this.maxPerDevice = maxPerDevice;
    this.maxTotal = maxTotal;
    this.minFree = minFree;
    this.freeBytes = freeBytes;
  }

  /**
   * The transfer of {@code m}: the open one when it has the same manifest, else a new one (replacing a
   * different manifest under the same id), if the limits allow.
   */
  synchronized Transfer open(Manifest m, long now) throws ProtocolException {
    Key k = new Key(m.deviceId(), m.frameId());
    Transfer t = open.get(k);
    if (t != null && t.manifest.equals(m)) {
      return t;
    }
    if (t != null) {
      close(k);
    }
    long device = byDevice.getOrDefault(m.deviceId(), 0L);
    if (device + m.transferBytes() > maxPerDevice) {
      throw full(m, "device '" + m.deviceId() + "' already has " + device + " bytes in transfers in progress; with this frame's "
          + m.transferBytes() + " that is over the server's limit of " + maxPerDevice + " per device (server.max-staged-bytes-per-device)");
    }
    if (total + m.transferBytes() > maxTotal) {
      throw full(m, "the server has " + total + " bytes in transfers in progress; with this frame's " + m.transferBytes()
          + " that is over its limit of " + maxTotal + " (server.max-staged-bytes)");
    }
    long free = freeBytes.getAsLong();
    if (free - m.transferBytes() < minFree) {
      throw full(m, "the server's disk has " + free + " bytes free, and keeps " + minFree + " free (server.min-free-bytes)");
    }
    t = new Transfer(k, m, now);
    open.put(k, t);
    byDevice.merge(m.deviceId(), m.transferBytes(), Long::sum);
    total += m.transferBytes();
    return t;
  }

  private static ProtocolException full(Manifest m, String why) {
    return new ProtocolException(RejectReason.STAGING_FULL, why + "; offer the frame again later", m.sha256());
  }

  synchronized Transfer get(String device, String frameId) {
    return open.get(new Key(device, frameId));
  }

  /** Forgets a transfer (completed, failed or expired) and releases its reservation. */
  synchronized void close(Key k) {
    Transfer t = open.remove(k);
    if (t != null) {
      total -= t.manifest.transferBytes();
      byDevice.computeIfPresent(k.device(), (d, v) -> v - t.manifest.transferBytes() <= 0 ? null : v - t.manifest.transferBytes());
    }
  }

  /** The transfers with no activity since {@code cutoff}. */
  synchronized List<Key> idleSince(long cutoff) {
    List<Key> out = new ArrayList<>();
    for (Transfer t : open.values()) {
      if (t.lastActivity() < cutoff) {
        out.add(t.key);
      }
    }
    return out;
  }

  synchronized int count() {
    return open.size();
  }

  synchronized int count(String device) {
    return (int) open.keySet().stream().filter(k -> k.device().equals(device)).count();
  }

  synchronized long stagedBytes() {
    return total;
  }
}
