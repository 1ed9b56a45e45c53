package io.fieldcap.store;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The model registry: every model the server knows, by the SHA-256 of its file, with what it is
 * (name, family, classes, input size) and where it came from (added by hand, trained from a dataset
 * version), and every evaluation run against it.
 *
 * <pre>
 * models(sha256 PRIMARY KEY, name, family, classes JSON, input_width, input_height, origin JSON, added_at)
 * evaluations(id PRIMARY KEY, model_sha256, dataset, split, labels, iou_type, frames, figures JSON, created_at)
 * </pre>
 */
public final class Models {
  /** A registered model. */
  public record Model(String sha256, String name, String family, String classes, int inputWidth, int inputHeight,
      String origin, Instant addedAt) {}

  /** One evaluation of a model. */
  public record Evaluation(String id, String modelSha256, String dataset, String split, String labels, String iouType,
      int frames, String figures, Instant createdAt) {}

  private final Sql sql;

  Models(Sql sql) {
    this.sql = sql;
  }

  /** Registers a model; false when one with these bytes is registered already (nothing changes). */
  public boolean add(Model m) throws IOException {
    return sql.update("cannot register model " + m.name(), """
        INSERT INTO models(sha256, name, family, classes, input_width, input_height, origin, added_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING""",
        m.sha256(), m.name(), m.family(), m.classes(), m.inputWidth(), m.inputHeight(), m.origin(), m.addedAt()) == 1;
  }

  private static Model model(ResultSet r) throws SQLException {
    return new Model(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), r.getInt(6), r.getString(7),
        Instant.parse(r.getString(8)));
  }

  private static final String COLUMNS = "sha256, name, family, classes, input_width, input_height, origin, added_at";

  /** Every registered model, newest first. */
  public List<Model> list() throws IOException {
    return sql.list("cannot list the models", "SELECT " + COLUMNS + " FROM models ORDER BY added_at DESC, name", Models::model);
  }

  /**
   * The model named {@code ref}: its full SHA-256, a prefix of it (at least 8 hex digits), or its name
   * (the newest of that name); null when none is.
   */
  public Model find(String ref) throws IOException {
    if (ref.matches("[0-9a-f]{8,64}")) {
      List<Model> m = sql.list("cannot look up model " + ref, "SELECT " + COLUMNS + " FROM models WHERE sha256 LIKE ?",
          Models::model, ref + "%");
      if (m.size() > 1) {
        throw new IllegalArgumentException("'" + ref + "' is the start of " + m.size() + " models' SHA-256: give more digits");
      }
      if (m.size() == 1) {
        return m.get(0);
      }
    }
    return sql.first("cannot look up model " + ref,
        "SELECT " + COLUMNS + " FROM models WHERE name = ? ORDER BY added_at DESC", Models::model, ref);
  }

  /** Records an evaluation of a registered model; returns its id. */
  public String addEvaluation(String modelSha256, String dataset, String split, String labels, String iouType, int frames,
      String figures, Instant at) throws IOException {
    String id = UUID.randomUUID().toString();
    sql.update("cannot record an evaluation of model " + modelSha256, """
        INSERT INTO evaluations(id, model_sha256, dataset, split, labels, iou_type, frames, figures, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, modelSha256, dataset, split, labels, iouType, frames, figures, at);
    return id;
  }

  /** A model's evaluations, newest first. */
  public List<Evaluation> evaluations(String modelSha256) throws IOException {
    return sql.list("cannot read the evaluations of model " + modelSha256, "SELECT " + EVALUATION
        + " FROM evaluations WHERE model_sha256 = ? ORDER BY created_at DESC", Models::evaluation, modelSha256);
  }

  /** The evaluation with this id, or null. */
  public Evaluation evaluation(String id) throws IOException {
    return sql.first("cannot read evaluation " + id, "SELECT " + EVALUATION + " FROM evaluations WHERE id = ?",
        Models::evaluation, id);
  }

  private static final String EVALUATION = "id, model_sha256, dataset, split, labels, iou_type, frames, figures, created_at";

  private static Evaluation evaluation(ResultSet r) throws SQLException {
    return new Evaluation(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getInt(7), r.getString(8), Instant.parse(r.getString(9)));
  }
}
