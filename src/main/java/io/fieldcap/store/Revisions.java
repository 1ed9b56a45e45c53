package io.fieldcap.store;

import io.fieldcap.json.Json;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
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

  private final Object lock;
  private final Db db;

  Revisions(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  /** The SHA-256 of the labels' JSON: equal labels, equal digests (the model name left out). */
  static String digest(LabelSet labels) throws IOException {
    return Sha256.hex(Json.MAPPER.writeValueAsString(labels.detections()).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Adds a revision unless it would change nothing: when the frame's newest revision has the same
   * labels, or (so that re-importing an older file after a newer one changes nothing either) when
   * these same labels came from this same origin before.
   *
   * @return the new revision's number, or 0 when nothing was added
   */
  public int add(String device, String frameId, LabelSet labels, String author, String origin, String tool, Instant at)
      throws IOException {
    String digest = digest(labels);
    synchronized (lock) {
      try {
        int newest = 0;
        String newestDigest = null;
        try (PreparedStatement p = db.c().prepareStatement(
            "SELECT rev, digest FROM revisions WHERE device = ? AND frame_id = ? ORDER BY rev DESC LIMIT 1")) {
          p.setString(1, device);
          p.setString(2, frameId);
          try (ResultSet r = p.executeQuery()) {
            if (r.next()) {
              newest = r.getInt(1);
              newestDigest = r.getString(2);
            }
          }
        }
        if (digest.equals(newestDigest)) {
          return 0;
        }
        try (PreparedStatement p = db.c().prepareStatement(
            "SELECT 1 FROM revisions WHERE device = ? AND frame_id = ? AND digest = ? AND origin = ?")) {
          p.setString(1, device);
          p.setString(2, frameId);
          p.setString(3, digest);
          p.setString(4, origin);
          try (ResultSet r = p.executeQuery()) {
            if (r.next()) {
              return 0;
            }
          }
        }
        try (PreparedStatement p = db.c().prepareStatement("""
            INSERT INTO revisions(device, frame_id, rev, labels, digest, author, origin, tool, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
          p.setString(1, device);
          p.setString(2, frameId);
          p.setInt(3, newest + 1);
          p.setString(4, Json.MAPPER.writeValueAsString(labels));
          p.setString(5, digest);
          p.setString(6, author);
          p.setString(7, origin);
          p.setString(8, tool);
          p.setString(9, at.toString());
          p.executeUpdate();
          return newest + 1;
        }
      } catch (SQLException e) {
        throw new IOException("cannot record a label revision of frame " + device + "/" + frameId + ": " + e.getMessage(), e);
      }
    }
  }

  /** Every revision of a frame, oldest first. */
  public List<Revision> of(String device, String frameId) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("""
          SELECT rev, labels, author, origin, tool, created_at FROM revisions WHERE device = ? AND frame_id = ? ORDER BY rev""")) {
        p.setString(1, device);
        p.setString(2, frameId);
        List<Revision> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(new Revision(device, frameId, r.getInt(1), Json.MAPPER.readValue(r.getString(2), LabelSet.class),
                r.getString(3), r.getString(4), r.getString(5), Instant.parse(r.getString(6))));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** How many frames have at least one revision. */
  public int reviewedFrames() throws IOException {
    synchronized (lock) {
      try (Statement s = db.c().createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM (SELECT DISTINCT device, frame_id FROM revisions) AS reviewed")) {
        return r.next() ? r.getInt(1) : 0;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
