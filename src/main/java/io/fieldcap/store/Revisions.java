package io.fieldcap.store;

import io.fieldcap.json.Json;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Reviewed labels of frames, as revisions numbered 1, 2, … per frame. The device's pre-labels stay
 * in the frame's row (revision 0) and are never overwritten; each import of corrections that changes
 * a frame's labels adds a revision recording who or what made it, when, and from which file.
 * Revisions are never changed or deleted, so a frozen dataset can name the one it took.
 *
 * <pre>
 * revisions(device, frame_id, rev, labels JSON, digest (SHA-256 of the labels JSON), author,
 *           origin (the file and the place in it), tool (the format), created_at ISO-8601,
 *           PRIMARY KEY (device, frame_id, rev))
 * </pre>
 */
public final class Revisions {
  /** One revision of a frame's labels. */
  public record Revision(String device, String frameId, int rev, LabelSet labels, String author, String origin,
      String tool, Instant createdAt) {}

  private final Sql sql;
  private final Db db;

  Revisions(Sql sql, Db db) {
    this.sql = sql;
    this.db = db;
  }

  /** The SHA-256 of the labels' JSON: equal labels, equal digests (the model name left out). */
  static String digest(LabelSet labels) throws IOException {
    return Sha256.hex(Json.MAPPER.writeValueAsString(labels.detections()).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Adds a revision unless it would change nothing: when the frame's newest revision has the same
   * labels, or (so that re-importing an older file after a newer one changes nothing either) when
   * these same labels came from this same origin before. The frame's reviewed classes are replaced
   * in the same transaction.
   *
   * @return the new revision's number, or 0 when nothing was added
   */
  public int add(String device, String frameId, LabelSet labels, String author, String origin, String tool, Instant at)
      throws IOException {
    String digest = digest(labels);
    String json = Json.MAPPER.writeValueAsString(labels);
    return sql.transaction("cannot record a label revision of frame " + device + "/" + frameId, () -> {
      String[] newest = sql.first(null, "SELECT rev, digest FROM revisions WHERE device = ? AND frame_id = ? ORDER BY rev DESC LIMIT 1",
          r -> new String[] {r.getString(1), r.getString(2)}, device, frameId);
      if (newest != null && digest.equals(newest[1])) {
        return 0;
      }
      if (sql.first(null, "SELECT 1 FROM revisions WHERE device = ? AND frame_id = ? AND digest = ? AND origin = ?",
          r -> true, device, frameId, digest, origin) != null) {
        return 0;
      }
      int rev = newest == null ? 1 : Integer.parseInt(newest[0]) + 1;
      sql.update(null, """
          INSERT INTO revisions(device, frame_id, rev, labels, digest, author, origin, tool, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", device, frameId, rev, json, digest, author, origin, tool, at);
      FrameClasses.replace(db.c(), device, frameId, FrameClasses.REVIEWED, labels);
      ReviewQueue.reviewed(db.c(), device, frameId);
      return rev;
    });
  }

  /** What {@link #save} did: the frame's newest revision now, and whether the save was refused because it was not the base. */
  public record Saved(int revision, boolean conflict) {}

  /**
   * A reviewer's save from the editor: a new revision, provided the frame's newest revision is still
   * {@code base} (the one the reviewer's page loaded; 0 for the pre-labels). When another save came
   * in between, nothing is written and the answer is a conflict with the newest revision's number;
   * labels equal to the newest revision's change nothing. Unlike {@link #add}, labels that some
   * earlier revision had are saved again: a reviewer may put back what another changed.
   */
  public Saved save(String device, String frameId, int base, LabelSet labels, String author, String origin, String tool,
      Instant at) throws IOException {
    String digest = digest(labels);
    String json = Json.MAPPER.writeValueAsString(labels);
    return sql.transaction("cannot save the labels of frame " + device + "/" + frameId, () -> {
      String[] newest = sql.first(null, "SELECT rev, digest FROM revisions WHERE device = ? AND frame_id = ? ORDER BY rev DESC LIMIT 1",
          r -> new String[] {r.getString(1), r.getString(2)}, device, frameId);
      int current = newest == null ? 0 : Integer.parseInt(newest[0]);
      if (current != base) {
        return new Saved(current, true);
      }
      if (newest != null && digest.equals(newest[1])) {
        return new Saved(current, false);
      }
      sql.update(null, """
          INSERT INTO revisions(device, frame_id, rev, labels, digest, author, origin, tool, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", device, frameId, current + 1, json, digest, author, origin, tool, at);
      FrameClasses.replace(db.c(), device, frameId, FrameClasses.REVIEWED, labels);
      ReviewQueue.reviewed(db.c(), device, frameId);
      return new Saved(current + 1, false);
    });
  }

  /** Every revision of a frame, oldest first. */
  public List<Revision> of(String device, String frameId) throws IOException {
    return sql.list("cannot read the revisions of frame " + device + "/" + frameId,
        "SELECT rev, labels, author, origin, tool, created_at FROM revisions WHERE device = ? AND frame_id = ? ORDER BY rev",
        r -> new Revision(device, frameId, r.getInt(1), Json.MAPPER.readValue(r.getString(2), LabelSet.class),
            r.getString(3), r.getString(4), r.getString(5), Instant.parse(r.getString(6))), device, frameId);
  }

  /** How many frames have at least one revision. */
  public int reviewedFrames() throws IOException {
    return sql.first("cannot count the reviewed frames",
        "SELECT COUNT(*) FROM (SELECT DISTINCT device, frame_id FROM revisions) AS reviewed", r -> r.getInt(1));
  }
}
