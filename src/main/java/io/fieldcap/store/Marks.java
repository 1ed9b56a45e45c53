package io.fieldcap.store;

import io.fieldcap.image.Look;
import java.io.IOException;
import java.time.Instant;
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

  private final Sql sql;

  Marks(Sql sql) {
    this.sql = sql;
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
    return sql.transaction("cannot record a clean run", work::run);
  }

  /** Records a frame's look (replacing an earlier one). */
  public void record(String device, String frameId, Look l) throws IOException {
    sql.update("cannot record the look of frame " + device + "/" + frameId, """
        INSERT INTO looks(device, frame_id, hash, sharpness, brightness, contrast, problem) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device, frame_id) DO UPDATE SET hash = excluded.hash, sharpness = excluded.sharpness,
          brightness = excluded.brightness, contrast = excluded.contrast, problem = excluded.problem""",
        device, frameId, l.hash(), l.sharpness(), l.brightness(), l.contrast(), l.problem());
  }

  /** Every look recorded, in (device, frame id) order. */
  public void forEach(Consumer<Measured> action) throws IOException {
    sql.each("cannot read the looks", """
        SELECT device, frame_id, hash, sharpness, brightness, contrast, problem FROM looks ORDER BY device, frame_id""",
        r -> action.accept(new Measured(r.getString(1), r.getString(2),
            new Look(r.getString(3), r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getString(7)))));
  }

  /** Starts a clean run: its number, which its marks carry. */
  public int startRun(Instant at) throws IOException {
    return sql.first("cannot start a clean run", "INSERT INTO clean_runs(created_at) VALUES (?) RETURNING run",
        r -> r.getInt(1), at);
  }

  /** Records what a run did. */
  public void finishRun(int run, String summary) throws IOException {
    sql.update("cannot record clean run " + run, "UPDATE clean_runs SET summary = ? WHERE run = ?", summary, run);
  }

  /** Marks a frame; false when it carries this kind of mark already (from an earlier run). */
  public boolean mark(String device, String frameId, String kind, String reason, String group, int run, Instant at)
      throws IOException {
    return sql.update("cannot mark frame " + device + "/" + frameId + " " + kind, """
        INSERT INTO marks(device, frame_id, kind, reason, grp, run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device, frame_id, kind) DO NOTHING""", device, frameId, kind, reason, group, run, at) == 1;
  }

  /** Removes one kind of mark from a frame (a reviewer taking back a rejection or a flag); whether there was one. */
  public boolean unmark(String device, String frameId, String kind) throws IOException {
    return sql.update("cannot unmark frame " + device + "/" + frameId,
        "DELETE FROM marks WHERE device = ? AND frame_id = ? AND kind = ?", device, frameId, kind) == 1;
  }

  /** A mark, as {@code clean} lists them. */
  public record Mark(String device, String frameId, String kind, String reason, String group, int run) {}

  /** Every mark, by kind, group and frame. */
  public List<Mark> marks() throws IOException {
    return sql.list("cannot read the marks",
        "SELECT device, frame_id, kind, reason, grp, run FROM marks ORDER BY kind, grp, device, frame_id",
        r -> new Mark(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6)));
  }

  /**
   * Takes back the marks of the newest run that still has some ({@code all}: every mark).
   *
   * @return how many marks were taken back
   */
  public int undo(boolean all) throws IOException {
    // clean's marks only: a reviewer's (run 0: rejected, flagged) are taken back in the web app
    return sql.update("cannot take back the marks", all
        ? "DELETE FROM marks WHERE run > 0"
        : "DELETE FROM marks WHERE run = (SELECT MAX(run) FROM marks WHERE run > 0)");
  }
}
