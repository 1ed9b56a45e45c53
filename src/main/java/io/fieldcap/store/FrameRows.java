package io.fieldcap.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fieldcap.json.Json;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * How a frame is read from the metadata database: one query joining each frame to its newest label
 * revision and its marks, and the mapping of a result row to a {@link StoredFrame} (labels and
 * metadata decoded, the image as an {@link ImageRef} into the image store).
 */
final class FrameRows {
  private final Db db;
  private final ImageStore images;

  FrameRows(Db db, ImageStore images) {
    this.db = db;
    this.images = images;
  }

  /** The newest revision of each frame joined to it: what the store's {@code forEach} and {@code frame} read. */
  String select() {
    return """
        SELECT f.device, f.frame_id, f.seq, f.captured_at, f.sha256, f.bytes, f.width, f.height, f.labels, f.meta, f.path,
               f.received_at, r.labels, r.rev,
               (SELECT %s FROM (SELECT kind FROM marks m WHERE m.device = f.device AND m.frame_id = f.frame_id
                                                ORDER BY kind) AS k)
        FROM frames f LEFT JOIN revisions r ON r.device = f.device AND r.frame_id = f.frame_id
          AND r.rev = (SELECT MAX(rev) FROM revisions WHERE device = f.device AND frame_id = f.frame_id)"""
        .formatted(db.groupConcat("kind"));
  }

  StoredFrame row(ResultSet r) throws SQLException, IOException {
    String labels = r.getString(9);
    String meta = r.getString(10);
    String reviewed = r.getString(13);
    return new StoredFrame(r.getString(1), r.getString(2), r.getLong(3), Instant.parse(r.getString(4)),
        r.getString(5), r.getLong(6), r.getInt(7), r.getInt(8),
        labels == null ? null : Json.MAPPER.readValue(labels, LabelSet.class),
        meta == null ? null : Json.MAPPER.readValue(meta, new TypeReference<Map<String, Object>>() {}),
        new ImageRef(r.getString(11), images), Instant.parse(r.getString(12)),
        reviewed == null ? null : Json.MAPPER.readValue(reviewed, LabelSet.class), r.getInt(14), null, r.getString(15));
  }
}
