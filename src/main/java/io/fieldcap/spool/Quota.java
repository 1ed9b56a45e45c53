package io.fieldcap.spool;

import io.fieldcap.config.SpoolConfig.WhenFull;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The spool's quota: the bytes it holds ({@code frames/}, and images set aside in {@code failed/} and
 * {@code quarantine/}), checked against {@code spool.max-bytes} and the free-disk reserve, and room
 * made by the {@link WhenFull} policy. Guarded by the spool's lock; {@link #fill()} reads without it.
 */
final class Quota {
  private final Path dir;
  private final SpoolDb db;
  private final long maxBytes;
  private final long minFreeBytes;
  private final WhenFull whenFull;
  private final InstantSource clock;
  private final LongSupplier freeBytes;
  private final SetAside setAside;
  private volatile long bytes; // written under the spool's lock; read without it by fill()

  Quota(Path dir, SpoolDb db, long maxBytes, long minFreeBytes, WhenFull whenFull, InstantSource clock,
      LongSupplier freeBytes) {
    this.dir = dir;
    this.db = db;
    this.maxBytes = maxBytes;
    this.minFreeBytes = minFreeBytes;
    this.whenFull = whenFull;
    this.clock = clock;
    this.freeBytes = freeBytes;
    this.setAside = new SetAside(dir);
  }

  /** How full the spool is, 0..1 (of {@code spool.max-bytes}); what the capture rules' budgets look at. */
  double fill() {
    return maxBytes <= 0 ? 0 : (double) bytes / maxBytes;
  }

  void set(long b) {
    bytes = b;
  }

  void add(long n) {
    bytes += n;
  }

  void remove(long n) {
    bytes -= n;
  }

  long maxBytes() {
    return maxBytes;
  }

  long freeBytes() {
    return freeBytes.getAsLong();
  }

  /**
   * Makes room for {@code size} bytes: under EVICT_OLDEST deletes the oldest pending frames of the
   * lowest priority, never ones of a higher priority than the newcomer; under REJECT_NEW deletes
   * nothing. Returns whether the frame fits.
   */
  boolean makeRoom(long size, int priority) throws SQLException {
    if (!fits(size) && setAside.bytes() > 0) {
      setAside.prune(0, clock.millis()); // images set aside go before frames that can still be delivered
    }
    while (!fits(size)) {
      if (whenFull != WhenFull.EVICT_OLDEST) {
        return false;
      }
      SpoolDb.Victim v = db.nextVictim(priority);
      if (v == null) {
        return false;
      }
      db.inTransaction(() -> {
        db.deleteFrame(v.frameId());
        if (!v.acked()) {
          db.addCounts(Map.of(Counters.EVICTED, 1L));
        }
      });
      remove(v.bytes());
      DurableFiles.deleteQuietly(dir.resolve(v.file()));
    }
    return true;
  }

  boolean fits(long size) {
    return bytes + setAside.bytes() + size <= maxBytes && freeBytes.getAsLong() - size >= minFreeBytes;
  }

  /** How long images set aside in {@code failed/} and {@code quarantine/} are kept. */
  void keepSetAside(Duration age) {
    setAside.keep(age);
  }

  /** Keeps {@code failed/} and {@code quarantine/} within a tenth of the quota and their age; how many images went. */
  int pruneSetAside() {
    return setAside.prune(maxBytes / 10, clock.millis());
  }

  /** A frame's image of {@code n} bytes moved from {@code frames/} to {@code failed/}. */
  void setAside(long n) {
    bytes -= n;
    setAside.added(n);
    if (setAside.bytes() > maxBytes / 10) {
      pruneSetAside();
    }
  }
}
