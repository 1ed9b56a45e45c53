package io.fieldcap.spool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;

/**
 * The spool's SQLite index. Not thread-safe: {@link Spool} serialises access. Schema (version 1):
 *
 * <pre>
 * frames(frame_id PK, seq, captured_at ms, state pending|inflight|acked, priority, reason,
 *        file (relative to the spool), bytes, width, height, sha256, source_item, labels JSON,
 *        created_at ms, updated_at ms, meta JSON)   -- meta added in version 2
 * taken_items(item PK, taken_at ms)  -- folder files already taken, so each is taken once
 * counters(name PK, value)           -- captured, evicted, dropped, failed, acked, rejected:&lt;reason&gt;
 * meta(key PK, value)                -- schema_version, seq_reserved
 * </pre>
 */
final class SpoolDb implements AutoCloseable {
  static final int SCHEMA_VERSION = 2;

  private final Connection c;

  private SpoolDb(Connection c) {
    this.c = c;
  }

  static SpoolDb open(Path file, boolean readOnly) {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout(10_000);
    if (!readOnly) {
      cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
      cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
      SpoolDb db = new SpoolDb(c);
      if (!readOnly) {
        db.migrate();
      }
      return db;
    } catch (SQLException e) {
      throw new SpoolException("cannot open spool database " + file + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("""
          CREATE TABLE IF NOT EXISTS frames(
            frame_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, captured_at INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending','inflight','acked')),
            priority INTEGER NOT NULL, reason TEXT, file TEXT NOT NULL, bytes INTEGER NOT NULL,
            width INTEGER NOT NULL, height INTEGER NOT NULL, sha256 TEXT NOT NULL, source_item TEXT,
            labels TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, meta TEXT)""");
      s.executeUpdate("CREATE INDEX IF NOT EXISTS frames_by_state ON frames(state, priority, seq)");
      s.executeUpdate("CREATE TABLE IF NOT EXISTS taken_items(item TEXT PRIMARY KEY, taken_at INTEGER NOT NULL)");
      s.executeUpdate("CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      s.executeUpdate("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.executeUpdate("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
    }
    String v = meta("schema_version");
    if ("1".equals(v)) { // version 1 spools (before per-frame metadata) upgrade in place
      try (Statement s = c.createStatement()) {
        s.executeUpdate("ALTER TABLE frames ADD COLUMN meta TEXT");
        s.executeUpdate("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
      }
      v = "2";
    }
    if (!String.valueOf(SCHEMA_VERSION).equals(v)) {
      throw new SQLException("spool schema version " + v + " is not supported by this fieldcap (expects " + SCHEMA_VERSION + ")");
    }
  }

  interface Work {
    void run() throws SQLException;
  }

  void inTransaction(Work w) throws SQLException {
    c.setAutoCommit(false);
    try {
      w.run();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * A transaction whose commit is not fsynced (SQLite's synchronous=NORMAL in WAL mode): for changes
   * that may be lost in a power cut without harm, such as marking frames in flight (they are put
   * back to pending at every start anyway). The next full commit makes it durable too.
   */
  void inRelaxedTransaction(Work w) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=NORMAL");
    }
    try {
      inTransaction(w);
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=FULL");
      }
    }
  }

  private String meta(String key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      p.setString(1, key);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  String state(String key) throws SQLException {
    return meta("state:" + key);
  }

  void setState(String key, String value) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
      p.setString(1, "state:" + key);
      p.setString(2, value);
      p.executeUpdate();
    }
  }

  long reservedSeq() throws SQLException {
    String v = meta("seq_reserved");
    return v == null ? 0 : Long.parseLong(v);
  }

  void setReservedSeq(long value) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES ('seq_reserved', ?)")) {
      p.setString(1, Long.toString(value));
      p.executeUpdate();
    }
  }

  boolean isTaken(String item) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM taken_items WHERE item = ?")) {
      p.setString(1, item);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  /** Up to {@code limit} taken items after {@code after} (in item order), for pruning in batches. */
  List<String> takenAfter(String after, int limit) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT item FROM taken_items WHERE item > ? ORDER BY item LIMIT ?")) {
      p.setString(1, after);
      p.setInt(2, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  void forgetTaken(List<String> items) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM taken_items WHERE item = ?")) {
      for (String item : items) {
        p.setString(1, item);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  void markTaken(String item, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT OR IGNORE INTO taken_items(item, taken_at) VALUES (?, ?)")) {
      p.setString(1, item);
      p.setLong(2, now);
      p.executeUpdate();
    }
  }

  void addCounts(Map<String, Long> deltas) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value")) {
      for (Map.Entry<String, Long> d : deltas.entrySet()) {
        p.setString(1, d.getKey());
        p.setLong(2, d.getValue());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  void insertFrame(SpoolEntry e, String file, String sha, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("""
        INSERT INTO frames(frame_id, seq, captured_at, state, priority, reason, file, bytes, width, height,
                           sha256, source_item, labels, created_at, updated_at, meta)
        VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      p.setString(1, e.id().value());
      p.setLong(2, e.seq());
      p.setLong(3, e.capturedAt().toEpochMilli());
      p.setInt(4, e.priority());
      p.setString(5, e.reason());
      p.setString(6, file);
      p.setLong(7, e.jpeg().length);
      p.setInt(8, e.width());
      p.setInt(9, e.height());
      p.setString(10, sha);
      p.setString(11, e.sourceItem());
      p.setString(12, e.labels());
      p.setLong(13, now);
      p.setLong(14, now);
      p.setString(15, e.meta());
      p.executeUpdate();
    }
  }

  record Victim(String frameId, String file, long bytes, boolean acked) {}

  /**
   * The frame to delete first to make room: a retained acked frame (already on the server), oldest
   * first; else the pending frame of the lowest priority (at most {@code maxPriority}), oldest first.
   * Frames in flight are never chosen. Each step is an indexed lookup, so evicting from a backlog of
   * 100,000 frames costs what it costs from ten.
   */
  Victim nextVictim(int maxPriority) throws SQLException {
    Victim acked = victim("SELECT frame_id, file, bytes FROM frames WHERE state = 'acked' ORDER BY priority, seq LIMIT 1",
        true);
    if (acked != null) {
      return acked;
    }
    Integer lowest = null;
    try (PreparedStatement p = c.prepareStatement(
        "SELECT priority FROM frames WHERE state = 'pending' AND priority <= ? ORDER BY priority LIMIT 1")) {
      p.setInt(1, maxPriority);
      try (ResultSet r = p.executeQuery()) {
        if (r.next()) {
          lowest = r.getInt(1);
        }
      }
    }
    return lowest == null ? null : victim("SELECT frame_id, file, bytes FROM frames WHERE state = 'pending' AND priority = "
        + lowest + " ORDER BY seq LIMIT 1", false);
  }

  private Victim victim(String sql, boolean acked) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
      return r.next() ? new Victim(r.getString(1), r.getString(2), r.getLong(3), acked) : null;
    }
  }

  /**
   * Up to {@code limit} pending frames, highest priority first, then the oldest (or the newest when
   * {@code newest}); not yet marked. One indexed query per priority level, in either direction, so
   * a backlog of 100,000 frames is never sorted.
   */
  List<Object[]> pending(int limit, boolean newest) throws SQLException {
    List<Object[]> out = new ArrayList<>();
    List<Integer> priorities = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT DISTINCT priority FROM frames WHERE state = 'pending' ORDER BY priority DESC");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        priorities.add(r.getInt(1));
      }
    }
    for (int priority : priorities) {
      try (PreparedStatement p = c.prepareStatement("SELECT " + ROW + " FROM frames WHERE state = 'pending' AND priority = ?"
          + " ORDER BY seq " + (newest ? "DESC" : "ASC") + " LIMIT ?")) {
        p.setInt(1, priority);
        p.setInt(2, limit - out.size());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(row(r));
          }
        }
      }
      if (out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  private static final String ROW = "frame_id, seq, captured_at, width, height, file, bytes, sha256, labels, priority, reason, meta";

  private static Object[] row(ResultSet r) throws SQLException {
    return new Object[] {r.getString(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getInt(5), r.getString(6),
        r.getLong(7), r.getString(8), r.getString(9), r.getInt(10), r.getString(11), r.getString(12)};
  }

  /** The row of a frame in flight (as {@link #pending} gives them), or null when it is not in flight. */
  Object[] inFlight(String frameId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT " + ROW + " FROM frames WHERE frame_id = ? AND state = 'inflight'")) {
      p.setString(1, frameId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? row(r) : null;
      }
    }
  }

  /** Gives a frame in flight a new id and sequence number; its file keeps its name. */
  int rekey(String frameId, String newId, long newSeq, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE frames SET frame_id = ?, seq = ?, updated_at = ? WHERE frame_id = ? AND state = 'inflight'")) {
      p.setString(1, newId);
      p.setLong(2, newSeq);
      p.setLong(3, now);
      p.setString(4, frameId);
      return p.executeUpdate();
    }
  }

  /** Sets the state of one frame, or of every frame in {@code from} when {@code frameId} is null. */
  int setState(String frameId, String from, String to, long now) throws SQLException {
    String sql = frameId == null
        ? "UPDATE frames SET state = ?, updated_at = ? WHERE state = ?"
        : "UPDATE frames SET state = ?, updated_at = ? WHERE state = ? AND frame_id = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, to);
      p.setLong(2, now);
      p.setString(3, from);
      if (frameId != null) {
        p.setString(4, frameId);
      }
      return p.executeUpdate();
    }
  }

  /** The file and size of a frame, or null. */
  Victim frame(String frameId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT frame_id, file, bytes, state FROM frames WHERE frame_id = ?")) {
      p.setString(1, frameId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? new Victim(r.getString(1), r.getString(2), r.getLong(3), r.getString(4).equals("acked")) : null;
      }
    }
  }

  void deleteFrame(String frameId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM frames WHERE frame_id = ?")) {
      p.setString(1, frameId);
      p.executeUpdate();
    }
  }

  long storedBytes() throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(SUM(bytes), 0) FROM frames")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Every frame's id and file, for reconciling with the folder. */
  Map<String, String> files() throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT frame_id, file FROM frames")) {
      while (r.next()) {
        out.put(r.getString(2), r.getString(1));
      }
    }
    return out;
  }

  /**
   * The counters and the frames' states, read in one transaction: another process (an agent acking a
   * frame) may commit between the two queries, and only one snapshot keeps {@code captured = pending +
   * inFlight + acked + ...} true.
   */
  SpoolStats stats(long maxBytes, Map<String, Long> unflushed) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    long[] read = new long[3]; // pending, inflight, bytes of all frames
    inTransaction(() -> {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT name, value FROM counters")) {
        while (r.next()) {
          counts.put(r.getString(1), r.getLong(2));
        }
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT state, COUNT(*), COALESCE(SUM(bytes), 0) FROM frames GROUP BY state")) {
        while (r.next()) {
          switch (r.getString(1)) {
            case "pending" -> read[0] = r.getLong(2);
            case "inflight" -> read[1] = r.getLong(2);
            default -> { } // acked and kept: counted by the acked counter
          }
          read[2] += r.getLong(3);
        }
      }
    });
    unflushed.forEach((k, v) -> counts.merge(k, v, Long::sum));
    long pending = read[0], inflight = read[1], bytes = read[2];
    Map<String, Long> rejectedBy = new TreeMap<>();
    long rejected = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey().startsWith(Counters.REJECTED_PREFIX)) {
        rejectedBy.put(e.getKey().substring(Counters.REJECTED_PREFIX.length()), e.getValue());
        rejected += e.getValue();
      }
    }
    return new SpoolStats(counts.getOrDefault(Counters.CAPTURED, 0L), pending, inflight,
        counts.getOrDefault(Counters.ACKED, 0L), counts.getOrDefault(Counters.EVICTED, 0L),
        counts.getOrDefault(Counters.DROPPED, 0L), counts.getOrDefault(Counters.FAILED, 0L),
        counts.getOrDefault(Counters.QUARANTINED, 0L), counts.getOrDefault(Counters.FORGED_ACKS, 0L), rejected, rejectedBy, bytes, maxBytes);
  }

  @Override
  public void close() {
    try {
      c.close();
    } catch (SQLException e) {
      // nothing left to do with a connection that will not close
    }
  }
}
