package io.fieldcap.store;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the web app reads: frames a page at a time, newest first, and the counts its plots draw. */
public final class Browse {
  private final LocalFrameStore store;
  private final Sql sql;
  private final Db db;

  Browse(LocalFrameStore store, Sql sql, Db db) {
    this.store = store;
    this.sql = sql;
    this.db = db;
  }

  /**
   * A page of frames for the web app, newest first, by keyset: {@code after} is the cursor of the
   * last frame of the previous page ({@link #cursor}), so a page costs the same at frame 1,000,000 as
   * at frame 1. Filters: device, class (in the newest labels), minimum pre-label score, capture rule,
   * a tag, review state ({@code reviewed}, {@code unreviewed}), a mark kind (or {@code none}), time range.
   */
  public record Query(String device, String cls, Double minScore, String keptBy, String tagKey, String tagValue,
      String review, String mark, Instant since, Instant until, String after, int limit) {}

  /** The cursor of a frame for {@link Query#after}. */
  public static String cursor(StoredFrame f) {
    return f.capturedAt() + "|" + f.device() + "|" + f.frameId();
  }

  public List<StoredFrame> page(Query q) throws IOException {
    synchronized (store) {
      StringBuilder sql = new StringBuilder(store.select()).append(" WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (q.device() != null) {
        sql.append(" AND f.device = ?");
        args.add(q.device());
      }
      boolean pg = db.postgres();
      if (q.cls() != null) { // in the newest labels: the newest revision's, else the pre-labels
        sql.append(" AND EXISTS (SELECT 1 FROM frame_classes c WHERE c.device = f.device AND c.frame_id = f.frame_id"
            + " AND c.source = CASE WHEN r.rev IS NULL THEN 'p' ELSE 'r' END AND c.class = ?)");
        args.add(q.cls());
      }
      if (q.minScore() != null) {
        sql.append(pg ? " AND EXISTS (SELECT 1 FROM jsonb_array_elements(f.labels::jsonb -> 'detections') j"
            + " WHERE (j ->> 'score')::float8 >= ?)"
            : " AND EXISTS (SELECT 1 FROM json_each(f.labels, '$.detections') j WHERE json_extract(j.value, '$.score') >= ?)");
        args.add(q.minScore());
      }
      if (q.keptBy() != null) {
        sql.append(pg ? " AND f.meta::jsonb ->> 'keptBy' = ?" : " AND json_extract(f.meta, '$.keptBy') = ?");
        args.add(q.keptBy());
      }
      if (q.tagKey() != null) {
        if (pg) {
          sql.append(" AND f.meta::jsonb -> 'tags' ->> ? = ?");
          args.add(q.tagKey());
        } else {
          sql.append(" AND json_extract(f.meta, ?) = ?");
          args.add("$.tags.\"" + q.tagKey().replace("\"", "") + "\"");
        }
        args.add(q.tagValue());
      }
      if ("reviewed".equals(q.review())) {
        sql.append(" AND r.rev IS NOT NULL");
      } else if ("unreviewed".equals(q.review())) {
        sql.append(" AND r.rev IS NULL");
      }
      if ("none".equals(q.mark())) {
        sql.append(" AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.device = f.device AND m.frame_id = f.frame_id)");
      } else if (q.mark() != null) {
        sql.append(" AND EXISTS (SELECT 1 FROM marks m WHERE m.device = f.device AND m.frame_id = f.frame_id AND m.kind = ?)");
        args.add(q.mark());
      }
      if (q.since() != null) {
        sql.append(" AND f.captured_at >= ?");
        args.add(q.since().toString());
      }
      if (q.until() != null) {
        sql.append(" AND f.captured_at < ?");
        args.add(q.until().toString());
      }
      if (q.after() != null) {
        String[] at = q.after().split("\\|", 3);
        if (at.length != 3) {
          throw new IllegalArgumentException("after: '" + q.after() + "' is not a cursor from a previous page");
        }
        sql.append(" AND (f.captured_at, f.device, f.frame_id) < (?, ?, ?)");
        args.add(at[0]);
        args.add(at[1]);
        args.add(at[2]);
      }
      sql.append(" ORDER BY f.captured_at DESC, f.device DESC, f.frame_id DESC LIMIT ?");
      args.add(q.limit());
      return this.sql.list("cannot read a page of frames", sql.toString(), store::row, args.toArray());
    }
  }

  /** Frames per device per capture day (UTC), for the web app's plots. */
  public Map<String, Map<String, Integer>> capturesPerDeviceDay() throws IOException {
    synchronized (store) {
      Map<String, Map<String, Integer>> out = new TreeMap<>();
      try (Statement st = db.c().createStatement(); ResultSet r = st.executeQuery(
          "SELECT device, substr(captured_at, 1, 10), count(*) FROM frames GROUP BY 1, 2 ORDER BY 1, 2")) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), r.getInt(3));
        }
        return out;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /**
   * Labels per class in the newest labels of each frame, and each class's pre-label scores in tenths
   * (0.0-0.1, …, 0.9-1.0), for the web app's plots.
   */
  public Map<String, int[]> classStats() throws IOException {
    synchronized (store) {
      Map<String, int[]> out = new TreeMap<>(); // [count, score bins 0..9]
      String newest = """
          FROM frames f LEFT JOIN revisions rv ON rv.device = f.device AND rv.frame_id = f.frame_id
            AND rv.rev = (SELECT MAX(rev) FROM revisions WHERE device = f.device AND frame_id = f.frame_id)""";
      String counts = db.postgres()
          ? "SELECT j ->> 'label', count(*) " + newest
              + " CROSS JOIN LATERAL jsonb_array_elements(COALESCE(rv.labels, f.labels)::jsonb -> 'detections') j GROUP BY 1"
          : "SELECT json_extract(j.value, '$.label'), count(*) " + newest
              + ", json_each(COALESCE(rv.labels, f.labels), '$.detections') j GROUP BY 1";
      try (Statement st = db.c().createStatement(); ResultSet r = st.executeQuery(counts)) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new int[11])[0] = r.getInt(2);
        }
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
      String bins = db.postgres() ? """
          SELECT j ->> 'label', LEAST(9, floor((j ->> 'score')::float8 * 10)::int), count(*)
          FROM frames f CROSS JOIN LATERAL jsonb_array_elements(f.labels::jsonb -> 'detections') j GROUP BY 1, 2"""
          : """
          SELECT json_extract(j.value, '$.label'), min(9, CAST(json_extract(j.value, '$.score') * 10 AS INTEGER)), count(*)
          FROM frames f, json_each(f.labels, '$.detections') j GROUP BY 1, 2""";
      try (Statement st = db.c().createStatement(); ResultSet r = st.executeQuery(bins)) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new int[11])[1 + Math.max(0, r.getInt(2))] += r.getInt(3);
        }
        return out;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
