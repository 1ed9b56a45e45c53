package io.fieldcap.store;

import io.fieldcap.json.Json;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Frozen datasets: a named selection of frames with, for each, the labels it took (after class
 * mapping and filters), the label revision they came from, its split, and its image's SHA-256 (the
 * manifest). Nothing recorded here changes afterwards, and the frames' images and revisions are never
 * changed either, so an export of a dataset writes the same images, labels and splits whatever has
 * arrived or been corrected since.
 *
 * <pre>
 * datasets(name PRIMARY KEY, created_at, spec JSON (how it was selected), frames, manifest (SHA-256 of its lines))
 * dataset_frames(dataset, ord, device, frame_id, split, revision, labels JSON, sha256, PRIMARY KEY (dataset, ord))
 * </pre>
 */
public final class Datasets {
  /** A dataset as {@code dataset list} shows it. */
  public record Dataset(String name, Instant createdAt, String spec, int frames, String manifest) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final LocalFrameStore store;
  private final Sql sql;
  private final Db db;

  Datasets(LocalFrameStore store, Sql sql, Db db) {
    this.store = store;
    this.sql = sql;
    this.db = db;
  }

  /** Checks a dataset name: letters, digits, dot, dash, underscore, up to 64 characters. */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("dataset name '" + name
          + "' must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    return name;
  }

  /**
   * Freezes the frames of {@code selected} (already filtered, with the labels to keep) and the split
   * {@code split} gives each, in one transaction.
   *
   * @throws IllegalArgumentException when the name is taken or malformed
   */
  public Dataset create(String name, String spec, Frames selected, Function<StoredFrame, String> split, Instant at)
      throws IOException {
    checkName(name);
    synchronized (store) {
      Dataset old = get(name);
      if (old != null) {
        throw new IllegalArgumentException("dataset '" + name + "' exists (created " + old.createdAt()
            + "); a dataset never changes: create one under another name");
      }
      MessageDigest manifest = sha256();
      int[] n = {0};
      try {
        return sql.transaction(null, () -> {
          try (PreparedStatement p = db.c().prepareStatement("""
              INSERT INTO dataset_frames(dataset, ord, device, frame_id, split, revision, labels, sha256)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            selected.forEach(f -> {
              try {
                String s = split == null ? null : split.apply(f);
                Sql.bind(p, name, n[0]++, f.device(), f.frameId(), s, f.revision(),
                    f.labels() == null ? null : Json.MAPPER.writeValueAsString(f.labels()), f.sha256());
                p.addBatch();
                if (n[0] % 5000 == 0) {
                  p.executeBatch();
                }
                manifest.update(line(f.sha256(), f.device(), f.frameId(), s, f.revision()).getBytes(StandardCharsets.UTF_8));
              } catch (SQLException e) {
                throw new UncheckedIOException(new IOException(e.getMessage(), e));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
            p.executeBatch();
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
          Dataset d = new Dataset(name, at, spec, n[0], HexFormat.of().formatHex(manifest.digest()));
          sql.update(null, "INSERT INTO datasets(name, created_at, spec, frames, manifest) VALUES (?, ?, ?, ?, ?)",
              name, at, spec, n[0], d.manifest());
          return d;
        });
      } catch (IOException e) {
        throw new IOException("cannot create dataset '" + name + "': " + e.getMessage(), e);
      }
    }
  }

  /** One line of a dataset's manifest: {@code SHA256  DEVICE/FRAME SPLIT rREV}. */
  static String line(String sha256, String device, String frameId, String split, int revision) {
    return sha256 + "  " + device + "/" + frameId + " " + (split == null ? "-" : split) + " r" + revision + "\n";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** The dataset, or null. */
  public Dataset get(String name) throws IOException {
    return sql.first("cannot read dataset '" + name + "'",
        "SELECT name, created_at, spec, frames, manifest FROM datasets WHERE name = ?", Datasets::dataset, name);
  }

  private static Dataset dataset(ResultSet r) throws SQLException {
    return new Dataset(r.getString(1), Instant.parse(r.getString(2)), r.getString(3), r.getInt(4), r.getString(5));
  }

  /** Every dataset, oldest first. */
  public List<Dataset> list() throws IOException {
    return sql.list("cannot list the datasets",
        "SELECT name, created_at, spec, frames, manifest FROM datasets ORDER BY created_at, name", Datasets::dataset);
  }

  /**
   * The frames of a dataset in their recorded order, each with the labels, revision and split it
   * took. A frame whose image is no longer the one recorded (or is gone) fails the read: a dataset
   * that cannot be reproduced must not be exported as if it were.
   */
  public Frames frames(String name) throws IOException {
    Dataset d = get(name);
    if (d == null) {
      throw new IllegalArgumentException("no dataset named '" + name + "'" + known());
    }
    return action -> sql.each("cannot read dataset '" + name + "'", """
        SELECT f.device, f.frame_id, f.seq, f.captured_at, f.sha256, f.bytes, f.width, f.height, f.labels, f.meta,
               f.path, f.received_at, NULL, 0, NULL, d.device, d.frame_id, d.split, d.revision, d.labels, d.sha256
        FROM dataset_frames d LEFT JOIN frames f ON f.device = d.device AND f.frame_id = d.frame_id
        WHERE d.dataset = ? ORDER BY d.ord""", r -> {
          String where = r.getString(16) + "/" + r.getString(17);
          if (r.getString(1) == null) {
            throw new IOException("dataset '" + name + "': frame " + where + " is no longer in the store");
          }
          if (!r.getString(5).equals(r.getString(21))) {
            throw new IOException("dataset '" + name + "': frame " + where + " has other bytes than when the dataset"
                + " was created (SHA-256 " + r.getString(5) + ", recorded " + r.getString(21) + ")");
          }
          String labels = r.getString(20);
          int rev = r.getInt(19);
          StoredFrame f = store.row(r);
          LabelSet l = labels == null ? null : Json.MAPPER.readValue(labels, LabelSet.class);
          action.accept(new StoredFrame(f.device(), f.frameId(), f.seq(), f.capturedAt(), f.sha256(), f.bytes(),
              f.width(), f.height(), l, f.meta(), f.image(), f.receivedAt(), rev > 0 ? l : null, rev, r.getString(18), null));
        }, name);
  }

  /** The manifest's lines, in the dataset's order. */
  public List<String> manifest(String name) throws IOException {
    List<String> out = new ArrayList<>();
    frames(name).forEach(f -> out.add(line(f.sha256(), f.device(), f.frameId(), f.split(), f.revision()).strip()));
    return out;
  }

  private String known() throws IOException {
    List<String> names = list().stream().map(Dataset::name).toList();
    return names.isEmpty() ? " (there are none yet: fieldcap dataset create NAME)" : "; datasets: " + names;
  }
}
