package io.fieldcap.store;

import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.TreeSet;

/**
 * Which classes each frame's labels hold, so that the database answers "frames with a car" from an
 * index instead of the store decoding every frame's labels. One row per class, for the pre-labels
 * ({@code p}) and for the newest revision ({@code r}); written in the same transaction as the labels.
 *
 * <pre>
 * frame_classes(device, frame_id, source ('p' | 'r'), class, PRIMARY KEY (device, frame_id, source, class))
 * frame_classes_by_class ON (class, source)
 * </pre>
 */
final class FrameClasses {
  /** The pre-labels' classes. */
  static final String PRELABELS = "p";
  /** The newest revision's classes. */
  static final String REVIEWED = "r";

  private FrameClasses() {}

  /** The statement {@link #add} fills. */
  static final String INSERT =
      "INSERT INTO frame_classes(device, frame_id, source, class) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";

  /** Records the classes of {@code labels} as the frame's {@code source} classes, replacing what was there. */
  static void replace(Connection c, String device, String frameId, String source, LabelSet labels) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM frame_classes WHERE device = ? AND frame_id = ? AND source = ?")) {
      Sql.bind(p, device, frameId, source);
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement(INSERT)) {
      add(p, device, frameId, source, labels);
      p.executeBatch();
    }
  }

  /** Adds the classes of {@code labels} (a frame that has none recorded yet) to a batch of {@link #INSERT}. */
  static void add(PreparedStatement insert, String device, String frameId, String source, LabelSet labels) throws SQLException {
    if (labels == null) {
      return;
    }
    TreeSet<String> classes = new TreeSet<>();
    for (Detection d : labels.detections()) {
      if (d.label() != null) {
        classes.add(d.label());
      }
    }
    for (String cls : classes) {
      Sql.bind(insert, device, frameId, source, cls);
      insert.addBatch();
    }
  }
}
