package io.fieldcap.spool;

import io.fieldcap.config.MqttConfig.Drain;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.fs.Durable;
import io.fieldcap.model.FrameId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's store of kept frames. {@link #put} makes a frame durable before it returns: the JPEG
 * goes to a temporary file, is fsynced and renamed into {@code frames/<date>/}, the folder is
 * fsynced, and only then is the row committed, together with the source item it came from and the
 * counters that changed. The quota ({@code spool.max-bytes} and the free-disk reserve) is enforced
 * on every put by the configured {@link WhenFull} policy, and every frame dropped for it is counted.
 *
 * <p>Lifecycle: {@link #open}, any number of calls from any threads (they are serialised), {@link
 * #close()}. Counters that change outside a put ({@link #count}) are buffered and written by {@link
 * #flush()}, by the next put and by close; a crash loses at most the increments since then.
 *
 * <p>Capture never waits on the disk, and sync does not wait on the spool writer's fsyncs: {@link
 * #putAll} holds the spool's lock only to make room and to commit rows, not across its file writes
 * and fsyncs; what the capture thread calls takes other locks only. {@link #count} buffers under a lock of its own,
 * {@link #nextSequence} hands out numbers from a block reserved ahead on another thread, and {@link
 * #isTaken} reads through a second, read-only connection (SQLite's WAL lets it read while a write is
 * in progress).
 *
 * <p>Every captured frame is counted once, together with its fate, so that at every reading of
 * {@link #stats()} {@code captured = pending + inFlight + acked + evicted + dropped + rejected +
 * failed} (with {@code acked} counting deleted frames): a frame still between capture and the spool
 * is in neither side yet.
 */
public final class Spool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final SpoolDb db;
  private final InstantSource clock;
  private final CounterBuffer counts = new CounterBuffer(); // its own lock, never held across I/O
  private final Quota quota; // guarded by the lock
  private Sequences sequences;
  private SpoolDb reader; // read-only connection for isTaken, guarded by itself
  private boolean closed;
  private final Deliveries deliveries;
  private volatile Runnable onStored = () -> {};
  private final GroupCommit groupCommit;

  private Spool(Path dir, SpoolDb db, long maxBytes, long minFreeBytes, WhenFull whenFull, InstantSource clock,
      LongSupplier freeBytes) {
    this.dir = dir;
    this.db = db;
    this.clock = clock;
    this.quota = new Quota(dir, db, maxBytes, minFreeBytes, whenFull, clock, freeBytes);
    this.deliveries = new Deliveries(dir, db, clock);
    this.groupCommit = new GroupCommit(this, dir, db, quota, counts, clock);
  }

  /** Opens (creating if needed) the spool in {@code dir} and reconciles it with its files. */
  public static Spool open(Path dir, long maxBytes, long minFreeBytes, WhenFull whenFull, InstantSource clock) {
    return open(dir, maxBytes, minFreeBytes, whenFull, clock, () -> DurableFiles.usableSpace(dir));
  }

  static Spool open(Path dir, long maxBytes, long minFreeBytes, WhenFull whenFull, InstantSource clock,
      LongSupplier freeBytes) {
    try {
      // the spool folder's own name must survive a power cut, or everything in it is lost with it
      Durable.createDirectories(dir);
      Files.createDirectories(dir.resolve("frames"));
      Files.createDirectories(dir.resolve("tmp"));
    } catch (IOException e) {
      throw new SpoolException("cannot create spool folder " + dir + ": " + e, e);
    }
    SpoolDb db = SpoolDb.open(dir.resolve("spool.db"), false);
    try {
      DurableFiles.syncDir(dir); // frames/, tmp/ and spool.db (SQLite syncs the folder for its WAL, not for the database)
    } catch (IOException e) {
      db.close();
      throw new SpoolException("cannot sync spool folder " + dir + ": " + e, e);
    }
    Spool s = new Spool(dir, db, maxBytes, minFreeBytes, whenFull, clock, freeBytes);
    try {
      new Reconciler(dir, db).run();
      s.quota.set(db.storedBytes());
      s.pruneSidelined();
      s.sequences = new Sequences(db.reservedSeq(), limit -> s.persistReserved(limit));
      s.reader = SpoolDb.open(dir.resolve("spool.db"), true);
    } catch (SQLException | SpoolException e) {
      db.close();
      throw new SpoolException("cannot read spool database " + dir.resolve("spool.db") + ": " + e.getMessage(), e);
    }
    return s;
  }

  /**
   * The next per-device sequence number: never repeated across restarts; does not wait for the disk
   * (see {@link Sequences}).
   */
  public long nextSequence() {
    return sequences.next();
  }

  private synchronized void persistReserved(long limit) {
    try {
      db.setReservedSeq(limit);
    } catch (SQLException e) {
      throw new SpoolException("cannot reserve sequence numbers in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Bytes of images held over the quota, 0..1 (more when the quota was lowered). */
  public double fill() {
    return quota.fill();
  }

  SpoolDb db() {
    return db;
  }

  /** Called after each frame is stored (sync uses it to send at once instead of polling). */
  public void onStored(Runnable listener) {
    this.onStored = listener;
  }

  /**
   * Whether a source item (a folder's file) was taken before, by this run or an earlier one. Reads
   * what is committed, without the spool's lock; {@link #put} checks again under it.
   */
  public boolean isTaken(String sourceItem) {
    try {
      synchronized (reader) {
        return reader.isTaken(sourceItem);
      }
    } catch (SQLException e) {
      throw new SpoolException("cannot read spool database: " + e.getMessage(), e);
    }
  }

  /**
   * Forgets the taken source items (a folder's files) for which {@code stillThere} is false: files
   * removed from the folder. Reads in batches through the read connection and deletes each batch's
   * gone items in one commit, so the table stays the size of the folder and capture is not held up.
   *
   * @return how many were forgotten
   */
  public int forgetTaken(Predicate<String> stillThere) {
    int forgotten = 0;
    String after = "";
    try {
      while (true) {
        List<String> batch;
        synchronized (reader) {
          batch = reader.takenAfter(after, 1000);
        }
        if (batch.isEmpty()) {
          return forgotten;
        }
        after = batch.get(batch.size() - 1);
        List<String> gone = batch.stream().filter(stillThere.negate()).toList();
        if (!gone.isEmpty()) {
          synchronized (this) {
            db.inTransaction(() -> db.forgetTaken(gone));
          }
          forgotten += gone.size();
        }
      }
    } catch (SQLException e) {
      throw new SpoolException("cannot prune taken files in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Adds to a counter; written at the next put, flush or close. Never waits on the disk. */
  public void count(String counter, long delta) {
    counts.add(counter, delta);
  }

  /**
   * Counts {@code n} captured frames together with their fate (one counter, such as {@code dropped}),
   * in one step, so that no reading of the stats sees one without the other. Never waits on the disk.
   */
  public void captured(String fate, long n) {
    counts.captured(fate, n);
  }

  /**
   * Records a captured frame that was not kept (unreadable, filtered), counted as captured and
   * rejected by reason; a folder's file is remembered as taken.
   */
  public void skip(String sourceItem, String reason) {
    if (sourceItem == null) {
      captured(Counters.REJECTED_PREFIX + reason, 1); // a camera's frame: nothing to remember; flushed within a second
      return;
    }
    synchronized (this) {
      Map<String, Long> taken = counts.take();
      Map<String, Long> all = new HashMap<>(taken);
      all.merge(Counters.CAPTURED, 1L, Long::sum);
      all.merge(Counters.REJECTED_PREFIX + reason, 1L, Long::sum);
      try {
        db.inTransaction(() -> {
          db.markTaken(sourceItem, clock.millis());
          db.addCounts(all);
        });
      } catch (SQLException e) {
        counts.restore(taken);
        throw new SpoolException("cannot write spool database: " + e.getMessage(), e);
      }
    }
  }

  /** What happened to a frame offered to {@link #put}. */
  public enum PutResult { STORED, EVICTED, ALREADY_TAKEN }

  /**
   * Stores a frame durably, making room by policy first.
   *
   * @return STORED (counted captured, in the same commit as its row); EVICTED when the quota left no
   *     room for it (counted captured and evicted); ALREADY_TAKEN when its source item is already in
   *     the spool (the frame is discarded, nothing counted)
   */
  public PutResult put(SpoolEntry e) {
    return putAll(List.of(e)).get(0);
  }

  /**
   * Stores frames durably as one group commit, in the same write order as one frame: every file is
   * written to a temporary name, fsynced and renamed into its folder; then each folder touched is
   * fsynced once; then all the rows, source items and counters go in one transaction. A frame is
   * durable when this returns, as with {@link #put}; what a batch saves is a folder fsync and a
   * database commit per frame. When a file cannot be written (the disk failed or filled), the
   * batch's files are removed and nothing of it is stored: the exception names the frame.
   *
   * <p>The spool's lock is held while room is made (and the batch's bytes reserved) and while the
   * rows are committed, not across the file writes and fsyncs between: sync's calls ({@link
   * #takePending}, {@link #acked}, {@link #requeue}, {@link #rekey}) do not wait on the disk. Group
   * commits follow one another (a lock of their own).
   *
   * @return one result per entry, in order, as {@link #put} returns them
   */
  public List<PutResult> putAll(List<SpoolEntry> entries) {
    return groupCommit.putAll(entries);
  }

  /** Tells the listener that frames were stored (sync then fills its window at once). */
  void stored() {
    onStored.run();
  }

  /** How long images set aside in {@code failed/} and {@code quarantine/} are kept (7 days by default). */
  public synchronized void keepSetAside(Duration age) {
    quota.keepSetAside(age);
  }

  /**
   * Keeps {@code failed/} and {@code quarantine/} bounded: images older than {@link #keepSetAside} go,
   * then the oldest while they hold more than a tenth of the quota. What they hold counts against the
   * quota. Called at start, every hour by the agent, and when space is needed.
   *
   * @return how many images were deleted
   */
  public synchronized int pruneSidelined() {
    return quota.pruneSetAside();
  }

  // ---- the sync side: pending -> inflight -> acked (deleted or retained), or back to pending, or failed

  /** {@link #takePending(int, Drain)} oldest first. */
  public List<PendingFrame> takePending(int limit) {
    return takePending(limit, Drain.OLDEST_FIRST);
  }

  /**
   * Hands up to {@code limit} pending frames to sync, highest priority first, then in the order
   * {@code drain} asks for, and marks them in flight. {@link Drain#FAIR} alternates the newest and
   * the oldest waiting frame across calls, so that after an outage half of what is sent is live.
   */
  public synchronized List<PendingFrame> takePending(int limit, Drain drain) {
    requireOpen();
    return deliveries.take(limit, drain);
  }

  /** Puts frames in flight back to pending: at every (re)connect, and for one frame after a retryable refusal. */
  public synchronized int requeue(FrameId id) {
    return deliveries.requeue(id);
  }

  /**
   * Acknowledges several frames in one durable commit (a group commit: sync calls this with every
   * ack that arrived together), then deletes their files.
   *
   * @return the ids that were acked now (repeated or unknown ids are left out)
   */
  public synchronized List<FrameId> acked(List<FrameId> ids, boolean retain) {
    List<SpoolDb.Victim> done = deliveries.acked(ids, retain);
    if (!retain) {
      for (SpoolDb.Victim v : done) {
        quota.remove(v.bytes());
        DurableFiles.deleteQuietly(dir.resolve(v.file()));
      }
    }
    return done.stream().map(v -> new FrameId(v.frameId())).toList();
  }

  /**
   * Gives a frame in flight a new id (same capture time, a new sequence number), for when the server
   * holds other bytes under its id: same image, labels and metadata, still in flight.
   *
   * @return the frame under its new id, or null when it is no longer in flight
   */
  public PendingFrame rekey(FrameId id) {
    long seq = nextSequence(); // before the spool's lock: reserving numbers takes it after its own
    synchronized (this) {
      return deliveries.rekey(id, seq);
    }
  }

  /**
   * The server stored the frame: delete the local copy, or keep it as acked when {@code retain}
   * (retained frames are the first to go when space is needed). Only frames in flight are acked:
   * unknown ids (a repeated ack) and pending frames (not offered since the last start) are ignored.
   *
   * @return whether the frame was in flight and is now acked
   */
  public boolean acked(FrameId id, boolean retain) {
    return !acked(List.of(id), retain).isEmpty();
  }

  /**
   * The frame cannot be delivered (its file is damaged, or the server refused it for good): its
   * image moves to {@code failed/} for a person to look at, its row goes, and it is counted.
   */
  public synchronized void failed(FrameId id, String why) {
    try {
      SpoolDb.Victim v = db.frame(id.value());
      if (v == null) {
        return;
      }
      Path src = dir.resolve(v.file());
      Path dst = dir.resolve("failed").resolve(src.getFileName());
      try {
        Files.createDirectories(dst.getParent());
        Files.move(src, dst, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        log.warn("could not move {} to failed/: {}", src, e.getMessage());
      }
      db.inTransaction(() -> {
        db.deleteFrame(id.value());
        db.addCounts(Map.of(Counters.FAILED, 1L));
      });
      quota.setAside(v.bytes());
      log.warn("frame {} failed and was moved to {}: {}", id, dst, why);
    } catch (SQLException e) {
      throw new SpoolException("cannot record the failure of " + id + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Saves a small piece of another component's state (the capture rules' budgets) with the spool, so
   * that it survives a restart; written when it changed, in a relaxed commit (a power cut may lose the
   * last second of it).
   */
  public synchronized void saveState(String key, String value) {
    try {
      if (!value.equals(db.state(key))) {
        db.inRelaxedTransaction(() -> db.setState(key, value));
      }
    } catch (SQLException e) {
      throw new SpoolException("cannot save " + key + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** What {@link #saveState} saved under {@code key}, or null. */
  public synchronized String loadState(String key) {
    try {
      return db.state(key);
    } catch (SQLException e) {
      throw new SpoolException("cannot read " + key + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Free space on the spool's filesystem, for status messages. */
  public long freeBytes() {
    return quota.freeBytes();
  }

  /** Writes buffered counters. */
  public synchronized void flush() {
    if (closed) {
      return;
    }
    Map<String, Long> taken = counts.take();
    if (taken.isEmpty()) {
      return;
    }
    try {
      db.inTransaction(() -> db.addCounts(taken));
    } catch (SQLException e) {
      counts.restore(taken);
      throw new SpoolException("cannot write spool counters: " + e.getMessage(), e);
    }
  }

  /**
   * The counts now. Taken under the spool's lock, with the buffered counters copied under theirs, so
   * a frame moving from the buffer to the database is seen exactly once.
   */
  public synchronized SpoolStats stats() {
    try {
      return db.stats(quota.maxBytes(), counts.copy());
    } catch (SQLException e) {
      throw new SpoolException("cannot read spool database: " + e.getMessage(), e);
    }
  }

  /** Reads the stats of the spool in {@code dir} without opening it for writing; works while an agent runs. */
  public static SpoolStats readStats(Path dir, long maxBytes) {
    Path file = dir.resolve("spool.db");
    if (!Files.isRegularFile(file)) {
      throw new SpoolException("no spool at " + dir + " (" + file.getFileName() + " not found; has the agent run with this config?)");
    }
    SpoolDb db = SpoolDb.open(file, true);
    try {
      return db.stats(maxBytes, Map.of());
    } catch (SQLException e) {
      throw new SpoolException("cannot read spool database " + file + ": " + e.getMessage(), e);
    } finally {
      db.close();
    }
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("spool " + dir + " is closed");
    }
  }

  @Override
  public void close() {
    synchronized (groupCommit) { // a group commit in progress finishes first: its fsyncs run without the spool's lock
      synchronized (this) {
        if (closed) {
          return;
        }
        flush();
        closed = true;
        sequences.close();
        db.close();
        synchronized (reader) {
          reader.close();
        }
      }
    }
  }
}
