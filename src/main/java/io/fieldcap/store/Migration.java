package io.fieldcap.store;

import io.fieldcap.config.DatabaseUrl;
import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code fieldcap server migrate}: moves a data folder's metadata from SQLite to PostgreSQL, and its
 * images from files to an object store if asked, without losing or duplicating a frame, and
 * resumable: every row goes in with {@code ON CONFLICT DO NOTHING} under its primary key, every image
 * is uploaded only if the store does not hold it already with the same SHA-256, and a frame's row is
 * written only after its image is confirmed in the target store. So an interrupted run, run again,
 * carries on where it stopped. Only once every table's rows and every frame's (device, id, SHA-256)
 * match on both sides does it switch the folder over ({@code DATA/database.json}, {@code
 * DATA/store.json}) and rename {@code fieldcap.db} to {@code fieldcap.db.migrated}. The servers must
 * be stopped while it runs.
 */
public final class Migration {
  /** The tables and their columns, in an order that needs no constraint deferred; frames first. */
  static final Map<String, List<String>> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("frames", List.of("device", "frame_id", "seq", "captured_at", "sha256", "bytes", "width", "height",
        "content_type", "model", "labels", "meta", "path", "received_at"));
    TABLES.put("revisions", List.of("device", "frame_id", "rev", "labels", "digest", "author", "origin", "tool", "created_at"));
    TABLES.put("datasets", List.of("name", "created_at", "spec", "frames", "manifest"));
    TABLES.put("dataset_frames", List.of("dataset", "ord", "device", "frame_id", "split", "revision", "labels", "sha256"));
    TABLES.put("looks", List.of("device", "frame_id", "hash", "sharpness", "brightness", "contrast", "problem"));
    TABLES.put("marks", List.of("device", "frame_id", "kind", "reason", "grp", "run", "created_at"));
    TABLES.put("clean_runs", List.of("run", "created_at", "summary"));
    TABLES.put("crawl_log", List.of("source", "url", "outcome", "reason", "frame_id", "at"));
    TABLES.put("devices", List.of("device", "state", "status", "updated_at", "last_seen"));
    TABLES.put("frame_classes", List.of("device", "frame_id", "source", "class"));
    TABLES.put("classes", List.of("name", "colour", "position"));
    TABLES.put("review_queue", List.of("device", "frame_id", "captured_at", "certainty", "rule", "leased_by", "leased_until"));
    TABLES.put("models", List.of("sha256", "name", "family", "classes", "input_width", "input_height", "origin", "added_at"));
    TABLES.put("evaluations", List.of("id", "model_sha256", "dataset", "split", "labels", "iou_type", "frames", "figures",
        "created_at"));
  }

  /** Rows per target transaction ({@code -Dfieldcap.migrate.batch}). */
  private static final int BATCH = Integer.getInteger("fieldcap.migrate.batch", 500);

  /** What a run did. */
  public record Result(Map<String, Long> rows, long imagesUploaded, long imagesPresent, String frameDigest) {}

  private Migration() {}

  /**
   * Runs (or resumes) the migration of {@code dir} to {@code database}, images to {@code s3} if given.
   *
   * @throws IOException naming what is wrong: not a SQLite data folder, an unreachable database or
   *     bucket, a mismatch after copying (then nothing is switched over)
   */
  public static Result run(Path dir, String database, ObjectStoreConfig s3, PrintWriter out) throws IOException {
    if (!DatabaseUrl.isPostgres(database) || !DatabaseUrl.check(database)) {
      throw new IOException("--to: '" + database + "' is not a PostgreSQL URL (postgresql://[user@]host[:port]/database)");
    }
    String already = StoreFile.readDatabase(dir);
    if (already != null) {
      throw new IOException(dir + " keeps its metadata in " + already + " already (DATA/database.json); nothing to migrate");
    }
    if (!Files.isRegularFile(dir.resolve("fieldcap.db"))) {
      throw new IOException("--from: no fieldcap.db in " + dir + " (is it a server's data folder?)");
    }
    ObjectStoreConfig recorded = StoreFile.read(dir);
    if (s3 != null && recorded != null && !(recorded.bucket().equals(s3.bucket()) && recorded.prefix().equals(s3.prefix()))) {
      throw new IOException(dir + " keeps its images in " + recorded.describe() + ", not " + s3.describe());
    }
    try (Db source = Db.sqlite(dir.resolve("fieldcap.db"));
        Db target = Db.postgresql(database);
        ImageStore from = recorded == null ? new FileImages(dir) : new S3Images(recorded, dir.resolve("cache"));
        ImageStore to = s3 == null || recorded != null ? null : new S3Images(s3, dir.resolve("cache"))) {
      out.println("migrating " + dir + " (" + from.describe() + ") to " + target.describe()
          + (to == null ? "" : ", images to " + to.describe()));
      Map<String, Long> rows = new LinkedHashMap<>();
      long[] images = new long[2]; // uploaded, present
      for (Map.Entry<String, List<String>> t : TABLES.entrySet()) {
        long n = copy(source, target, t.getKey(), t.getValue(), t.getKey().equals("frames") && to != null
            ? (key, sha) -> images[upload(dir, from, to, key, sha) ? 0 : 1]++ : null, out);
        rows.put(t.getKey(), n);
      }
      try (Statement s = target.c().createStatement()) {
        s.execute("SELECT setval(pg_get_serial_sequence('clean_runs', 'run'), GREATEST((SELECT MAX(run) FROM clean_runs), 1))");
      }
      for (String table : TABLES.keySet()) {
        long a = count(source, table);
        long b = count(target, table);
        if (b < a) {
          throw new IOException(table + ": " + a + " rows in SQLite, " + b + " in " + target.describe()
              + "; nothing was switched over: run the migration again");
        }
      }
      String digest = frameDigest(source);
      if (!digest.equals(frameDigest(target))) {
        throw new IOException("the frames in " + target.describe() + " differ from those in SQLite (device, id, SHA-256)"
            + "; nothing was switched over. Is another server writing to " + target.describe() + "?");
      }
      if (to != null) {
        StoreFile.write(dir, s3);
      }
      StoreFile.writeDatabase(dir, target.describe());
      out.println("switched " + dir + " over: its metadata is in " + target.describe()
          + (to == null ? "" : ", its images in " + to.describe()) + "; the SQLite file is kept as fieldcap.db.migrated");
      return new Result(rows, images[0], images[1], digest);
    } catch (SQLException e) {
      throw new IOException("migration of " + dir + " to " + DatabaseUrl.parse(database).describe() + " failed: " + e.getMessage()
          + " (nothing was switched over; run it again to resume)", e);
    } finally {
      if (StoreFile.readDatabase(dir) != null) {
        for (String f : List.of("fieldcap.db", "fieldcap.db-wal", "fieldcap.db-shm")) {
          Path p = dir.resolve(f);
          if (Files.exists(p)) {
            Files.move(p, dir.resolve(f.replace("fieldcap.db", "fieldcap.db.migrated")), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
  }

  private interface Image {
    void copy(String key, String sha256) throws IOException;
  }

  /** Copies {@code table} in batches, each in one target transaction; each frame's image first when asked. */
  private static long copy(Db source, Db target, String table, List<String> cols, Image image, PrintWriter out)
      throws SQLException, IOException {
    String names = String.join(", ", cols);
    String marks = String.join(", ", cols.stream().map(c -> "?").toList());
    long n = 0;
    Connection to = target.c();
    try (Statement s = source.c().createStatement();
        ResultSet r = s.executeQuery("SELECT " + names + " FROM " + table);
        PreparedStatement p = to.prepareStatement("INSERT INTO " + table + "(" + names + ") VALUES (" + marks
            + ") ON CONFLICT DO NOTHING")) {
      to.setAutoCommit(false);
      try {
        while (r.next()) {
          if (image != null) {
            image.copy(r.getString("path"), r.getString("sha256"));
          }
          for (int i = 0; i < cols.size(); i++) {
            p.setObject(i + 1, r.getObject(i + 1));
          }
          p.addBatch();
          if (++n % BATCH == 0) {
            p.executeBatch();
            to.commit();
          }
          if (n % 10_000 == 0) {
            out.println("  " + table + ": " + n + " rows");
          }
        }
        p.executeBatch();
        to.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        to.rollback();
        throw e;
      } finally {
        to.setAutoCommit(true);
      }
    }
    out.println("  " + table + ": " + n + " rows");
    return n;
  }

  /** Uploads one image unless the target holds it; true when uploaded. */
  private static boolean upload(Path dir, ImageStore from, ImageStore to, String key, String sha256) throws IOException {
    if (to.holds(key, sha256)) {
      return false;
    }
    Path src = from.fetched(key);
    if (!Files.isRegularFile(src) || !Sha256.file(src).equals(sha256)) {
      throw new IOException("image " + key + " is missing or does not match its SHA-256 " + sha256
          + "; nothing was switched over (fieldcap verify lists damaged frames)");
    }
    Path tmp = Files.createDirectories(dir.resolve("tmp")).resolve("migrate." + UUID.randomUUID() + ".part");
    Files.copy(src, tmp);
    to.put(key, tmp, sha256); // confirmed (size, MD5, SHA-256 read back) before the row is written
    to.trim();
    return true;
  }

  private static long count(Db db, String table) throws SQLException {
    try (Statement s = db.c().createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** SHA-256 over every frame's "device/id sha256" line, in one order: equal on both sides, or not migrated. */
  private static String frameDigest(Db db) throws SQLException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    // byte order on both sides, whatever the PostgreSQL database's collation
    String order = db.postgres() ? " ORDER BY device COLLATE \"C\", frame_id COLLATE \"C\"" : " ORDER BY device, frame_id";
    Connection c = db.c();
    c.setAutoCommit(false); // so that pgjdbc streams the rows (fetch size) instead of holding them all
    try (Statement s = c.createStatement()) {
      s.setFetchSize(10_000);
      try (ResultSet r = s.executeQuery("SELECT device, frame_id, sha256 FROM frames" + order)) {
        while (r.next()) {
          md.update((r.getString(1) + "/" + r.getString(2) + " " + r.getString(3) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
