package io.fieldcap.spool;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.faults.Witness;
import io.fieldcap.model.Sha256;
import io.fieldcap.spool.Spool.PutResult;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The spool's durable put, one group of frames at a time: room made by the quota's policy and the
 * bytes reserved under the spool's lock; every file written to a temporary name, fsynced and renamed
 * into its folder, then each folder fsynced once, without the lock; then the rows, source items and
 * counters committed in one transaction under the lock again.
 */
final class GroupCommit {
  private final Spool spool;
  private final Path dir;
  private final SpoolDb db;
  private final Quota quota;
  private final CounterBuffer counts;
  private final InstantSource clock;

  GroupCommit(Spool spool, Path dir, SpoolDb db, Quota quota, CounterBuffer counts, InstantSource clock) {
    this.spool = spool;
    this.dir = dir;
    this.db = db;
    this.quota = quota;
    this.counts = counts;
    this.clock = clock;
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
  List<PutResult> putAll(List<SpoolEntry> entries) {
    synchronized (this) { // one group commit at a time
      Batch b = new Batch(entries);
      try {
        synchronized (spool) {
          spool.requireOpen();
          plan(b);
        }
        b.writeFiles(); // outside the spool's lock: the slow part, on a worn SD card seconds
        if (b.stored.isEmpty()) {
          return b.results;
        }
        synchronized (spool) {
          spool.requireOpen();
          commit(b);
        }
        spool.stored();
        return b.results;
      } catch (IOException | SQLException ex) {
        String which = b.current == null ? "frames" : "frame " + b.current.id()
            + (entries.size() > 1 ? " (and the " + (entries.size() - 1) + " others of its batch)" : "");
        throw new SpoolException("cannot store " + which + " in " + dir + ": " + ex.getMessage(), ex);
      } finally {
        if (b.reserved > 0) { // files renamed in but never committed: removed, as the reconciler would at the next start
          synchronized (spool) {
            quota.remove(b.reserved);
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
      if (!quota.makeRoom(size, e.priority())) {
        spool.captured(Counters.EVICTED, 1);
        if (e.sourceItem() != null) {
          db.inTransaction(() -> db.markTaken(e.sourceItem(), clock.millis()));
        }
        b.results.add(PutResult.EVICTED);
        continue;
      }
      b.rels.add("frames/" + Spool.DAY.format(e.capturedAt()) + "/" + e.id() + ".jpg");
      b.stored.add(e);
      quota.add(size); // counted at once, so that the next frame's room is made with this one in
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
}
