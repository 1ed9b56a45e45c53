package io.fieldcap.spool;

import io.fieldcap.config.MqttConfig.Drain;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.faults.CrashPoint;
import io.fieldcap.faults.Witness;
import io.fieldcap.fs.Durable;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import io.fieldcap.model.FrameId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final long maxBytes;
  private final long minFreeBytes;
  private final WhenFull whenFull;
  private final InstantSource clock;
  private final LongSupplier freeBytes;
  private final CounterBuffer counts = new CounterBuffer(); // its own lock, never held across I/O
  private volatile long bytes; // written under the lock; read without it by fill()
  private final SetAside setAside; // guarded by the lock
  private Sequences sequences;
  private SpoolDb reader; // read-only connection for isTaken, guarded by itself
  private boolean closed;
  private boolean fairNewestNext = true;
  private volatile Runnable onStored = () -> {};
  private final Object putLock = new Object(); // one group commit at a time, without the spool's lock across its fsyncs

  private Spool(Path dir, SpoolDb db, long maxBytes, long minFreeBytes, WhenFull whenFull, InstantSource clock,
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
      s.bytes = db.storedBytes();
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
    return maxBytes <= 0 ? 0 : (double) bytes / maxBytes;
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
    synchronized (putLock) {
      Batch b = new Batch(entries);
      try {
        synchronized (this) {
          requireOpen();
          plan(b);
        }
        b.writeFiles(); // outside the spool's lock: the slow part, on a worn SD card seconds
        if (b.stored.isEmpty()) {
          return b.results;
        }
        synchronized (this) {
          requireOpen();
          commit(b);
        }
        onStored.run();
        return b.results;
      } catch (IOException | SQLException ex) {
        String which = b.current == null ? "frames" : "frame " + b.current.id()
            + (entries.size() > 1 ? " (and the " + (entries.size() - 1) + " others of its batch)" : "");
        throw new SpoolException("cannot store " + which + " in " + dir + ": " + ex.getMessage(), ex);
      } finally {
        if (b.reserved > 0) { // files renamed in but never committed: removed, as the reconciler would at the next start
          synchronized (this) {
            bytes -= b.reserved;
          }
          b.rels.forEach(rel -> DurableFiles.deleteQuietly(dir.resolve(rel)));
        }
      }
    }
  }

  /** A group commit in the making: what each entry became, and the files and bytes it holds so far. */
  private final class Batch {
    final List<SpoolEntry> entries;
    final List<PutResult> results = new ArrayList<>();
    final List<SpoolEntry> stored = new ArrayList<>();
    final List<String> rels = new ArrayList<>();
    final Set<Path> folders = new LinkedHashSet<>();
    long reserved; // bytes counted in the spool for files not committed yet
    SpoolEntry current;

    Batch(List<SpoolEntry> entries) {
      this.entries = entries;
    }

    /** Writes, fsyncs and renames every stored entry's file, then fsyncs each folder once. */
    void writeFiles() throws IOException {
      for (int i = 0; i < stored.size(); i++) {
        current = stored.get(i);
        Path target = dir.resolve(rels.get(i));
        DurableFiles.write(dir.resolve("tmp").resolve(current.id() + ".jpg.part"), target, current.jpeg());
        folders.add(target.getParent());
      }
      current = stored.isEmpty() ? null : stored.get(0);
      for (Path folder : folders) {
        DurableFiles.syncDir(folder);
      }
    }
  }

  /** Under the lock: skips source items already taken, makes room by policy, and reserves the bytes of what will be stored. */
  private void plan(Batch b) throws SQLException {
    Set<String> items = new HashSet<>(); // source items of this batch, taken once
    for (SpoolEntry e : b.entries) {
      b.current = e;
      if (e.sourceItem() != null && (!items.add(e.sourceItem()) || db.isTaken(e.sourceItem()))) {
        b.results.add(PutResult.ALREADY_TAKEN);
        continue;
      }
      long size = e.jpeg().length;
      if (!makeRoom(size, e.priority())) {
        captured(Counters.EVICTED, 1);
        if (e.sourceItem() != null) {
          db.inTransaction(() -> db.markTaken(e.sourceItem(), clock.millis()));
        }
        b.results.add(PutResult.EVICTED);
        continue;
      }
      b.rels.add("frames/" + DAY.format(e.capturedAt()) + "/" + e.id() + ".jpg");
      b.stored.add(e);
      bytes += size; // counted at once, so that the next frame's room is made with this one in
      b.reserved += size;
      b.results.add(PutResult.STORED);
    }
    b.current = null;
  }

  /** Under the lock: the rows, source items and counters of the batch's durable files, in one transaction. */
  private void commit(Batch b) throws SQLException {
    for (int i = 0; i < b.stored.size(); i++) {
      CrashPoint.reach("spool.durable"); // once per frame, so that a crash can be aimed at the Nth frame as before
    }
    long now = clock.millis();
    Map<String, Long> taken = counts.take();
    Map<String, Long> all = new HashMap<>(taken);
    all.merge(Counters.CAPTURED, (long) b.stored.size(), Long::sum);
    b.current = b.stored.get(0);
    try {
      db.inTransaction(() -> {
        for (int i = 0; i < b.stored.size(); i++) {
          SpoolEntry e = b.stored.get(i);
          db.insertFrame(e, b.rels.get(i), Sha256.hex(e.jpeg()), now);
          if (e.sourceItem() != null) {
            db.markTaken(e.sourceItem(), now);
          }
        }
        db.addCounts(all);
      });
    } catch (SQLException ex) {
      counts.restore(taken);
      throw ex;
    }
    b.reserved = 0;
    b.rels.clear();
    for (SpoolEntry e : b.stored) {
      if (Witness.on()) {
        Witness.record("put", e.id().value(), Sha256.hex(e.jpeg()));
      }
      CrashPoint.reach("spool.committed");
    }
  }

  /**
   * Makes room for {@code size} bytes: under EVICT_OLDEST deletes the oldest pending frames of the
   * lowest priority, never ones of a higher priority than the newcomer; under REJECT_NEW deletes
   * nothing. Returns whether the frame fits.
   */
  private boolean makeRoom(long size, int priority) throws SQLException {
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
      bytes -= v.bytes();
      DurableFiles.deleteQuietly(dir.resolve(v.file()));
    }
    return true;
  }

  private boolean fits(long size) {
    return bytes + setAside.bytes() + size <= maxBytes && freeBytes.getAsLong() - size >= minFreeBytes;
  }

  /** How long images set aside in {@code failed/} and {@code quarantine/} are kept (7 days by default). */
  public synchronized void keepSetAside(Duration age) {
    setAside.keep(age);
  }

  /**
   * Keeps {@code failed/} and {@code quarantine/} bounded: images older than {@link #keepSetAside} go,
   * then the oldest while they hold more than a tenth of the quota. What they hold counts against the
   * quota. Called at start, every hour by the agent, and when space is needed.
   *
   * @return how many images were deleted
   */
  public synchronized int pruneSidelined() {
    return setAside.prune(maxBytes / 10, clock.millis());
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
    try {
      List<PendingFrame> out = new ArrayList<>();
      List<Object[]> rows = switch (drain) {
        case OLDEST_FIRST -> db.pending(limit, false);
        case LIVE_FIRST -> db.pending(limit, true);
        case FAIR -> alternate(limit);
      };
      if (rows.isEmpty()) {
        return out; // sync asks whenever its window has room: no transaction when there is nothing to take
      }
      long now = clock.millis();
      db.inRelaxedTransaction(() -> {
        for (Object[] r : rows) {
          db.setState((String) r[0], "pending", "inflight", now);
          out.add(pendingFrame(r));
        }
      });
      return out;
    } catch (SQLException e) {
      throw new SpoolException("cannot read pending frames from " + dir + ": " + e.getMessage(), e);
    }
  }

  private PendingFrame pendingFrame(Object[] r) {
    return new PendingFrame(new FrameId((String) r[0]), (long) r[1], Instant.ofEpochMilli((long) r[2]), (int) r[3],
        (int) r[4], dir.resolve((String) r[5]), (long) r[6], (String) r[7], (String) r[8], (int) r[9], (String) r[10],
        (String) r[11]);
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
      return rekey(id, seq);
    }
  }

  private PendingFrame rekey(FrameId id, long seq) {
    try {
      Object[] r = db.inFlight(id.value());
      if (r == null) {
        return null;
      }
      FrameId renamed = FrameId.of(Instant.ofEpochMilli((long) r[2]), seq);
      long now = clock.millis();
      db.inTransaction(() -> db.rekey(id.value(), renamed.value(), seq, now));
      Witness.record("rekey", id.value(), renamed.value());
      r[0] = renamed.value();
      r[1] = seq;
      return pendingFrame(r);
    } catch (SQLException e) {
      throw new SpoolException("cannot give frame " + id + " a new id in " + dir + ": " + e.getMessage(), e);
    }
  }

  private List<Object[]> alternate(int limit) throws SQLException {
    List<Object[]> newest = db.pending(limit, true);
    if (newest.size() < limit) {
      return newest; // everything waiting fits: order does not matter
    }
    List<Object[]> oldest = db.pending(limit, false);
    List<Object[]> out = new ArrayList<>(limit);
    Set<String> taken = new HashSet<>();
    int n = 0;
    int o = 0;
    while (out.size() < limit) {
      Object[] r = fairNewestNext ? newest.get(n++) : oldest.get(o++);
      fairNewestNext = !fairNewestNext;
      if (taken.add((String) r[0])) {
        out.add(r);
      }
    }
    return out;
  }

  /** Puts frames in flight back to pending: at every (re)connect, and for one frame after a retryable refusal. */
  public synchronized int requeue(FrameId id) {
    try {
      return db.setState(id == null ? null : id.value(), "inflight", "pending", clock.millis());
    } catch (SQLException e) {
      throw new SpoolException("cannot requeue frames in " + dir + ": " + e.getMessage(), e);
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
   * Acknowledges several frames in one durable commit (a group commit: sync calls this with every
   * ack that arrived together), then deletes their files.
   *
   * @return the ids that were acked now (repeated or unknown ids are left out)
   */
  public synchronized List<FrameId> acked(List<FrameId> ids, boolean retain) {
    try {
      List<SpoolDb.Victim> found = new ArrayList<>();
      List<FrameId> done = new ArrayList<>();
      for (FrameId id : ids) {
        Object[] r = done.contains(id) ? null : db.inFlight(id.value());
        if (r != null) {
          found.add(new SpoolDb.Victim(id.value(), (String) r[5], (long) r[6], false));
          done.add(id);
        }
      }
      if (found.isEmpty()) {
        return List.of();
      }
      long now = clock.millis();
      db.inTransaction(() -> {
        for (SpoolDb.Victim v : found) {
          if (retain) {
            db.setState(v.frameId(), "inflight", "acked", now);
          } else {
            db.deleteFrame(v.frameId());
          }
        }
        db.addCounts(Map.of(Counters.ACKED, (long) found.size()));
      });
      CrashPoint.reach("spool.ack-committed");
      if (!retain) {
        for (SpoolDb.Victim v : found) {
          bytes -= v.bytes();
          DurableFiles.deleteQuietly(dir.resolve(v.file()));
        }
      }
      return done;
    } catch (SQLException e) {
      throw new SpoolException("cannot record acks in " + dir + ": " + e.getMessage(), e);
    }
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
      bytes -= v.bytes();
      setAside.added(v.bytes());
      if (setAside.bytes() > maxBytes / 10) {
        pruneSidelined();
      }
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
    return freeBytes.getAsLong();
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
      return db.stats(maxBytes, counts.copy());
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

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("spool " + dir + " is closed");
    }
  }

  @Override
  public synchronized void close() {
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
