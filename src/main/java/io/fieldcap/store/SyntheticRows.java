package io.fieldcap.store;

import io.fieldcap.json.Json;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/** Synthetic frame rows, for benchmarks of what reads the store (never for real data). */
final class SyntheticRows {
  private SyntheticRows() {}

  /**
   * Records {@code n} synthetic frames of device {@code device}, all pointing at the one image {@code
   * rel} (relative to the data folder), in one transaction: for benchmarks of what reads the store,
   * where storing a hundred thousand frames one by one would take longer than what is measured.
   */
  static void insert(Db db, String device, int n, Instant start, String rel, String sha256, long bytes,
      int width, int height, LabelSet labels) throws IOException {
    try {
      db.c().setAutoCommit(false);
      try (PreparedStatement classes = db.c().prepareStatement(FrameClasses.INSERT);
          PreparedStatement queue = db.c().prepareStatement(ReviewQueue.INSERT);
          PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                             model, labels, meta, path, received_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'image/jpeg', ?, ?, ?, ?, ?)""")) {
        String json = labels == null ? null : Json.MAPPER.writeValueAsString(labels);
        for (int i = 0; i < n; i++) {
          Instant at = start.plusMillis(1000L * i);
          p.setString(1, device);
          p.setString(2, FrameId.of(at, i).value());
          p.setLong(3, i);
          p.setString(4, at.toString());
          p.setString(5, sha256);
          p.setLong(6, bytes);
          p.setInt(7, width);
          p.setInt(8, height);
          p.setString(9, labels == null ? null : labels.model());
          p.setString(10, json);
          p.setString(11, "{\"keptBy\":\"all\"}");
          p.setString(12, rel);
          p.setString(13, at.toString());
          p.addBatch();
          FrameClasses.add(classes, device, FrameId.of(at, i).value(), FrameClasses.PRELABELS, labels);
          ReviewQueue.add(queue, device, FrameId.of(at, i).value(), at, labels, Map.of("keptBy", "all"));
          if (i % 10_000 == 9_999) {
            p.executeBatch();
            classes.executeBatch();
            queue.executeBatch();
          }
        }
        p.executeBatch();
        classes.executeBatch();
        queue.executeBatch();
      }
      db.c().commit();
    } catch (SQLException e) {
      try {
        db.c().rollback();
      } catch (SQLException ignored) {
        // the insert failed already
      }
      throw new IOException("cannot insert synthetic frames: " + e.getMessage(), e);
    } finally {
      try {
        db.c().setAutoCommit(true);
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
