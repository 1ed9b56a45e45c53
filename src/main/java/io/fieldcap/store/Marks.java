package io.fieldcap.store;

import io.fieldcap.image.Look;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the server measured of each image ({@link Look}) and what {@code fieldcap clean} marked.
 * Marks never delete anything: exports leave marked frames out unless asked to keep them, and
 * {@code clean --undo} takes a run's marks back.
 *
 * <pre>
 * looks(device, frame_id, hash (64 hex digits), sharpness, brightness, contrast, problem, PRIMARY KEY (device, frame_id))
 * marks(device, frame_id, kind ('duplicate' | 'broken' from clean; 'rejected' | 'flagged' from a reviewer),
 *       reason, grp (the frame kept of a duplicate group), run (0 for a reviewer's), created_at,
 *       PRIMARY KEY (device, frame_id, kind))
 * clean_runs(run PRIMARY KEY, created_at, summary JSON)
 * </pre>
 */
public final class Marks {
  /** A frame's look, as {@code clean} groups frames by it. */
  public record Measured(String device, String frameId, Look look) {}

  private final Object lock;
  private final Db db;

  Marks(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  /** Work on the marks and looks. */
  public interface Work<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} in one transaction: one fsync for a whole clean run instead of one per mark;
   * nothing of it is kept if it fails.
   */
  public <T> T transaction(Work<T> work) throws IOException {
    synchronized (lock) {
      try {
        db.c().setAutoCommit(false);
        T t = work.run();
        db.c().commit();
        return t;
      } catch (SQLException e) {
        rollback();
        throw new IOException(e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        rollback();
        throw e;
      } finally {
        try {
          db.c().setAutoCommit(true);
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
    }
  }

  private void rollback() {
    try {
      db.c().rollback();
    } catch (SQLException ignored) {
      // failed already
    }
  }

  /** Records a frame's look (replacing an earlier one). */
  public void record(String device, String frameId, Look l) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO looks(device, frame_id, hash, sharpness, brightness, contrast, problem) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (device, frame_id) DO UPDATE SET hash = excluded.hash, sharpness = excluded.sharpness,
            brightness = excluded.brightness, contrast = excluded.contrast, problem = excluded.problem""")) {
        p.setString(1, device);
        p.setString(2, frameId);
        p.setString(3, l.hash());
        p.setDouble(4, l.sharpness());
        p.setDouble(5, l.brightness());
        p.setDouble(6, l.contrast());
        p.setString(7, l.problem());
        p.executeUpdate();
      } catch (SQLException e) {
        throw new IOException("cannot record the look of frame " + device + "/" + frameId + ": " + e.getMessage(), e);
      }
    }
  }

  /** Every look recorded, in (device, frame id) order. */
  public void forEach(Consumer<Measured> action) throws IOException {
    synchronized (lock) {
      try (Statement s = db.c().createStatement(); ResultSet r = s.executeQuery("""
          SELECT device, frame_id, hash, sharpness, brightness, contrast, problem FROM looks ORDER BY device, frame_id""")) {
        while (r.next()) {
          action.accept(new Measured(r.getString(1), r.getString(2),
              new Look(r.getString(3), r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getString(7))));
        }
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** Starts a clean run: its number, which its marks carry. */
  public int startRun(Instant at) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("INSERT INTO clean_runs(created_at) VALUES (?) RETURNING run")) {
        p.setString(1, at.toString());
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** Records what a run did. */
  public void finishRun(int run, String summary) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("UPDATE clean_runs SET summary = ? WHERE run = ?")) {
        p.setString(1, summary);
        p.setInt(2, run);
        p.executeUpdate();
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** Marks a frame; false when it carries this kind of mark already (from an earlier run). */
  public boolean mark(String device, String frameId, String kind, String reason, String group, int run, Instant at)
      throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO marks(device, frame_id, kind, reason, grp, run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (device, frame_id, kind) DO NOTHING""")) {
        p.setString(1, device);
        p.setString(2, frameId);
        p.setString(3, kind);
        p.setString(4, reason);
        p.setString(5, group);
        p.setInt(6, run);
        p.setString(7, at.toString());
        return p.executeUpdate() == 1;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** Removes one kind of mark from a frame (a reviewer taking back a rejection or a flag); whether there was one. */
  public boolean unmark(String device, String frameId, String kind) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("DELETE FROM marks WHERE device = ? AND frame_id = ? AND kind = ?")) {
        p.setString(1, device);
        p.setString(2, frameId);
        p.setString(3, kind);
        return p.executeUpdate() == 1;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** A mark, as {@code clean} lists them. */
  public record Mark(String device, String frameId, String kind, String reason, String group, int run) {}

  /** Every mark, by kind, group and frame. */
  public List<Mark> marks() throws IOException {
    synchronized (lock) {
      try (Statement s = db.c().createStatement(); ResultSet r = s.executeQuery(
          "SELECT device, frame_id, kind, reason, grp, run FROM marks ORDER BY kind, grp, device, frame_id")) {
        List<Mark> out = new ArrayList<>();
        while (r.next()) {
          out.add(new Mark(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6)));
        }
        return out;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /**
   * Takes back the marks of the newest run that still has some ({@code all}: every mark).
   *
   * @return how many marks were taken back
   */
  public int undo(boolean all) throws IOException {
    synchronized (lock) {
      try (Statement s = db.c().createStatement()) {
        // clean's marks only: a reviewer's (run 0: rejected, flagged) are taken back in the web app
        if (all) {
          return s.executeUpdate("DELETE FROM marks WHERE run > 0");
        }
        return s.executeUpdate("DELETE FROM marks WHERE run = (SELECT MAX(run) FROM marks WHERE run > 0)");
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
