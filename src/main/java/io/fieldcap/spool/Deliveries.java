package io.fieldcap.spool;

import io.fieldcap.config.MqttConfig.Drain;
import io.fieldcap.faults.CrashPoint;
import io.fieldcap.faults.Witness;
import io.fieldcap.model.FrameId;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sync side of the spool's state machine: pending, then in flight while sync sends a frame, then
 * acked (deleted or retained), or back to pending, or re-keyed when the server holds other bytes
 * under its id. Rows only: {@link Spool} calls these under its lock, deletes the files and keeps the
 * byte count.
 */
final class Deliveries {
  private final Path dir;
  private final SpoolDb db;
  private final InstantSource clock;
  private boolean fairNewestNext = true;

  Deliveries(Path dir, SpoolDb db, InstantSource clock) {
    this.dir = dir;
    this.db = db;
    this.clock = clock;
  }

  /**
   * Hands up to {@code limit} pending frames to sync, highest priority first, then in the order
   * {@code drain} asks for, and marks them in flight. {@link Drain#FAIR} alternates the newest and
   * the oldest waiting frame across calls, so that after an outage half of what is sent is live.
   */
  List<PendingFrame> take(int limit, Drain drain) {
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

  PendingFrame rekey(FrameId id, long seq) {
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
  int requeue(FrameId id) {
    try {
      return db.setState(id == null ? null : id.value(), "inflight", "pending", clock.millis());
    } catch (SQLException e) {
      throw new SpoolException("cannot requeue frames in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Acknowledges several frames in one durable commit (a group commit: sync calls this with every
   * ack that arrived together); their files are the caller's to delete.
   *
   * @return the frames that were acked now (repeated or unknown ids are left out), with their files and sizes
   */
  List<SpoolDb.Victim> acked(List<FrameId> ids, boolean retain) {
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
        return found;
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
      return found;
    } catch (SQLException e) {
      throw new SpoolException("cannot record acks in " + dir + ": " + e.getMessage(), e);
    }
  }
}
