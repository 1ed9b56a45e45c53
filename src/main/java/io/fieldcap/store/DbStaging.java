package io.fieldcap.store;

import io.fieldcap.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Staging in PostgreSQL: {@code staging(device, frame_id, manifest, updated_at)} and {@code
 * staged_chunks(device, frame_id, idx, data)}, so that servers on different machines can each take
 * some of a frame's chunks and whichever holds the last one assembles it. A chunk is written once
 * per delivery (an upsert: a repeated chunk replaces itself); the rows go when the frame is stored or
 * its transfer expires. Commits here are not waited on for durability ({@code SET LOCAL
 * synchronous_commit = off}, these transactions only): a staged chunk lost in a database crash is
 * asked for again.
 */
final class DbStaging implements Staging {
  private final Object lock;
  private final Db db;

  DbStaging(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  private interface Sql<T> {
    T run() throws SQLException, IOException;
  }

  private <T> T sql(String what, Sql<T> work) throws IOException {
    synchronized (lock) {
      try {
        return work.run();
      } catch (SQLException e) {
        throw new IOException("cannot " + what + " in " + db.describe() + ": " + e.getMessage(), e);
      }
    }
  }

  /** {@link #sql} in one transaction whose commit is not waited on (staging: nothing acked depends on it). */
  private <T> T relaxed(String what, Sql<T> work) throws IOException {
    return sql(what, () -> {
      Connection c = db.c();
      c.setAutoCommit(false);
      try {
        try (var s = c.createStatement()) {
          s.execute("SET LOCAL synchronous_commit = off");
        }
        T t = work.run();
        c.commit();
        return t;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // failed already
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  @Override
  public void stage(Transfer t, byte[] json) throws IOException {
    relaxed("stage frame " + t.frameId(), () -> {
      byte[] old = staged(t.device(), t.frameId());
      if (old != null && Arrays.equals(old, json)) {
        return null;
      }
      if (old != null) {
        deleteRows(t.device(), t.frameId()); // a different manifest under the same id: its chunks are not ours
      }
      try (PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO staging(device, frame_id, manifest, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (device, frame_id) DO UPDATE SET manifest = excluded.manifest, updated_at = excluded.updated_at""")) {
        p.setString(1, t.device());
        p.setString(2, t.frameId());
        p.setBytes(3, json);
        p.setString(4, Instant.now().toString());
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public byte[] staged(String device, String frameId) throws IOException {
    return sql("read the staged manifest of frame " + frameId, () -> {
      try (PreparedStatement p = db.c().prepareStatement("SELECT manifest FROM staging WHERE device = ? AND frame_id = ?")) {
        p.setString(1, device);
        p.setString(2, frameId);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getBytes(1) : null;
        }
      }
    });
  }

  @Override
  public void putChunk(String device, String frameId, int index, byte[] data) throws IOException {
    relaxed("stage chunk " + index + " of frame " + frameId, () -> {
      try (PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO staged_chunks(device, frame_id, idx, data) VALUES (?, ?, ?, ?)
          ON CONFLICT (device, frame_id, idx) DO UPDATE SET data = excluded.data""");
          PreparedStatement touch = db.c().prepareStatement(
              "UPDATE staging SET updated_at = ? WHERE device = ? AND frame_id = ?")) {
        p.setString(1, device);
        p.setString(2, frameId);
        p.setInt(3, index);
        p.setBytes(4, data);
        p.executeUpdate();
        touch.setString(1, Instant.now().toString());
        touch.setString(2, device);
        touch.setString(3, frameId);
        touch.executeUpdate();
      }
      return null;
    });
  }

  private boolean[] present(Transfer t) throws SQLException {
    boolean[] have = new boolean[t.chunks()];
    try (PreparedStatement p = db.c().prepareStatement("SELECT idx FROM staged_chunks WHERE device = ? AND frame_id = ?")) {
      p.setString(1, t.device());
      p.setString(2, t.frameId());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          int i = r.getInt(1);
          if (i >= 0 && i < have.length) {
            have[i] = true;
          }
        }
      }
    }
    return have;
  }

  @Override
  public List<Integer> missingChunks(Transfer t) throws IOException {
    return sql("list the staged chunks of frame " + t.frameId(), () -> {
      boolean[] have = present(t);
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < have.length; i++) {
        if (!have[i]) {
          missing.add(i);
        }
      }
      return missing;
    });
  }

  @Override
  public boolean hasChunk(String device, String frameId, int index) {
    try {
      return sql("look for chunk " + index + " of frame " + frameId, () -> {
        try (PreparedStatement p = db.c().prepareStatement(
            "SELECT 1 FROM staged_chunks WHERE device = ? AND frame_id = ? AND idx = ?")) {
          p.setString(1, device);
          p.setString(2, frameId);
          p.setInt(3, index);
          try (ResultSet r = p.executeQuery()) {
            return r.next();
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void copyChunks(Transfer t, OutputStream out) throws IOException {
    int[] next = {0};
    sql("read the staged chunks of frame " + t.frameId(), () -> {
      try (PreparedStatement p = db.c().prepareStatement(
          "SELECT idx, data FROM staged_chunks WHERE device = ? AND frame_id = ? ORDER BY idx")) {
        p.setString(1, t.device());
        p.setString(2, t.frameId());
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            if (r.getInt(1) != next[0]) {
              throw new IOException("chunk " + next[0] + " of frame " + t.frameId() + " is not staged");
            }
            out.write(r.getBytes(2));
            next[0]++;
          }
        }
      }
      return null;
    });
    if (next[0] != t.chunks()) {
      throw new IOException("frame " + t.frameId() + ": " + next[0] + " of " + t.chunks() + " chunks staged");
    }
  }

  @Override
  public void drop(String device, String frameId) throws IOException {
    relaxed("drop the staged transfer of frame " + frameId, () -> {
      deleteRows(device, frameId);
      return null;
    });
  }

  private void deleteRows(String device, String frameId) throws SQLException {
    try (PreparedStatement a = db.c().prepareStatement("DELETE FROM staged_chunks WHERE device = ? AND frame_id = ?");
        PreparedStatement b = db.c().prepareStatement("DELETE FROM staging WHERE device = ? AND frame_id = ?")) {
      for (PreparedStatement p : List.of(a, b)) {
        p.setString(1, device);
        p.setString(2, frameId);
        p.executeUpdate();
      }
    }
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    return relaxed("expire staged transfers", () -> {
      try (PreparedStatement a = db.c().prepareStatement("""
          DELETE FROM staged_chunks c USING staging s
          WHERE c.device = s.device AND c.frame_id = s.frame_id AND s.updated_at < ?""");
          PreparedStatement b = db.c().prepareStatement("DELETE FROM staging WHERE updated_at < ?");
          PreparedStatement orphans = db.c().prepareStatement("""
              DELETE FROM staged_chunks c WHERE NOT EXISTS
                (SELECT 1 FROM staging s WHERE s.device = c.device AND s.frame_id = c.frame_id)""")) {
        a.setString(1, cutoff.toString());
        a.executeUpdate();
        b.setString(1, cutoff.toString());
        int n = b.executeUpdate();
        orphans.executeUpdate();
        return n;
      }
    });
  }
}
