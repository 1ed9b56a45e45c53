package io.fieldcap.store;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frames nobody has reviewed yet, for "next frame to review": a row from a frame's arrival until
 * its first label revision (written in the same transactions as the frame and the revision), so that
 * the next frame in any order is one step along an index, at a million frames as at ten. Frames with
 * a mark other than {@code flagged} (rejected, or set aside by {@code fieldcap clean}) are passed over.
 *
 * <p>Orders: {@code uncertain} (the frame whose least confident pre-label scores lowest first; frames
 * without pre-labels last), {@code rule} (by the capture rule that kept it, then oldest), {@code
 * oldest}. A frame handed to a reviewer is theirs for {@link #LEASE}: others get the next one, and
 * asking again hands them a new one (the previous is released), unless they skip it.
 *
 * <pre>
 * review_queue(device, frame_id, captured_at, certainty, rule, leased_by, leased_until, PRIMARY KEY (device, frame_id))
 * </pre>
 */
public final class ReviewQueue {
  /** How long a frame handed to a reviewer is kept from the others. */
  public static final Duration LEASE = Duration.ofMinutes(10);

  static final String INSERT = "INSERT INTO review_queue(device, frame_id, captured_at, certainty, rule) VALUES (?, ?, ?, ?, ?)"
      + " ON CONFLICT DO NOTHING";

  /** The orders a reviewer picks. */
  public enum Order {
    UNCERTAIN("certainty, captured_at, device, frame_id"),
    RULE("rule, captured_at, device, frame_id"),
    OLDEST("captured_at, device, frame_id");

    final String sql;

    Order(String sql) {
      this.sql = sql;
    }

    /** {@code uncertain}, {@code rule} or {@code oldest}; null for anything else. */
    public static Order of(String s) {
      return switch (s) {
        case "uncertain" -> UNCERTAIN;
        case "rule" -> RULE;
        case "oldest" -> OLDEST;
        default -> null;
      };
    }
  }

  /** A frame's place in the queue. */
  public record Entry(String device, String frameId) {}

  private static final String NOT_SET_ASIDE = " AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.device = q.device"
      + " AND m.frame_id = q.frame_id AND m.kind <> 'flagged')";

  private final Sql sql;

  ReviewQueue(Sql sql) {
    this.sql = sql;
  }

  /** The lowest score among the pre-labels; 1 for a frame without any. */
  static double certainty(LabelSet labels) {
    double min = 1;
    if (labels != null) {
      for (Detection d : labels.detections()) {
        min = Math.min(min, d.score());
      }
    }
    return min;
  }

  /** Adds a newly stored frame to a batch of {@link #INSERT}. */
  static void add(PreparedStatement insert, String device, String frameId, Instant capturedAt, LabelSet labels,
      Map<String, Object> meta) throws SQLException {
    Object rule = meta == null ? null : meta.get("keptBy");
    Sql.bind(insert, device, frameId, capturedAt.toString(), certainty(labels), rule == null ? null : rule.toString());
    insert.addBatch();
  }

  /** A frame's first revision takes it out of the queue. */
  static void reviewed(Connection c, String device, String frameId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM review_queue WHERE device = ? AND frame_id = ?")) {
      Sql.bind(p, device, frameId);
      p.executeUpdate();
    }
  }

  /** Pre-labels recorded later (an imported image labeled by {@code fieldcap prelabel}) change its certainty. */
  static void prelabelled(Connection c, String device, String frameId, LabelSet labels) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE review_queue SET certainty = ? WHERE device = ? AND frame_id = ?")) {
      Sql.bind(p, certainty(labels), device, frameId);
      p.executeUpdate();
    }
  }

  /**
   * The next frame for {@code reviewer}, leased to them; null when none is left. Their earlier lease
   * is released first, so asking again moves on unless the frame is still unreviewed and not skipped.
   *
   * @param device only this device's frames, or null
   * @param rule only frames kept by this capture rule, or null
   * @param skip frames the reviewer skipped (not handed out again to them in this call)
   */
  public Entry next(String reviewer, Order order, String device, String rule, List<Entry> skip, Instant now) throws IOException {
    return sql.transaction("cannot pick the next frame to review", () -> {
      sql.update(null, "UPDATE review_queue SET leased_by = NULL, leased_until = NULL WHERE leased_by = ?", reviewer);
      StringBuilder q = new StringBuilder("SELECT device, frame_id FROM review_queue q WHERE (leased_until IS NULL OR leased_until < ?)");
      List<Object> args = new ArrayList<>(List.of(now.toEpochMilli()));
      if (device != null) {
        q.append(" AND device = ?");
        args.add(device);
      }
      if (rule != null) {
        q.append(" AND rule = ?");
        args.add(rule);
      }
      for (Entry s : skip) {
        q.append(" AND NOT (device = ? AND frame_id = ?)");
        args.add(s.device());
        args.add(s.frameId());
      }
      q.append(NOT_SET_ASIDE).append(" ORDER BY ").append(order.sql).append(" LIMIT 1");
      Entry e = sql.first(null, q.toString(), r -> new Entry(r.getString(1), r.getString(2)), args.toArray());
      if (e != null) {
        sql.update(null, "UPDATE review_queue SET leased_by = ?, leased_until = ? WHERE device = ? AND frame_id = ?", reviewer,
            now.plus(LEASE).toEpochMilli(), e.device(), e.frameId());
      }
      return e;
    });
  }

  /** Frames left to review (of {@code device}, or all), rejected and set-aside frames not counted. */
  public long remaining(String device) throws IOException {
    String where = device == null ? "" : " WHERE q.device = ?";
    Object[] args = device == null ? new Object[0] : new Object[] {device};
    long all = sql.first("cannot count the frames left to review", "SELECT count(*) FROM review_queue q" + where,
        r -> r.getLong(1), args);
    long aside = sql.first("cannot count the frames left to review", "SELECT count(DISTINCT m.device || '/' || m.frame_id)"
        + " FROM marks m JOIN review_queue q ON q.device = m.device AND q.frame_id = m.frame_id WHERE m.kind <> 'flagged'"
        + (device == null ? "" : " AND q.device = ?"), r -> r.getLong(1), args);
    return all - aside;
  }

  /** Frames {@code author} gave a label revision since {@code since}. */
  public long reviewedBy(String author, Instant since) throws IOException {
    return sql.first("cannot count " + author + "'s reviews", "SELECT count(DISTINCT device || '/' || frame_id) FROM revisions"
        + " WHERE author = ? AND created_at >= ?", r -> r.getLong(1), author, since.toString());
  }
}
