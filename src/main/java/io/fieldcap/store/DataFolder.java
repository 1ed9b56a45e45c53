package io.fieldcap.store;

import io.fieldcap.config.DatabaseUrl;
import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.fs.Durable;
import io.fieldcap.fs.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Opens a data folder: checks that the image store and the database asked for are the ones the folder
 * was set up with ({@code DATA/store.json}, {@code DATA/database.json}), refuses a switch-over that
 * would strand what is there, creates the folders durably and clears what ended processes left in
 * {@code DATA/tmp}.
 */
final class DataFolder {
  private DataFolder() {}

  static LocalFrameStore open(Path dir, ObjectStoreConfig s3, String database) throws IOException {
    DatabaseUrl.check(database);
    Durable.createDirectories(dir); // a data folder whose own name is lost takes every frame with it
    ObjectStoreConfig recorded = StoreFile.read(dir);
    String recordedDb = StoreFile.readDatabase(dir);
    boolean wantsPg = DatabaseUrl.isPostgres(database);
    // only a switch-over needs to know whether the SQLite file holds frames (one more connection)
    boolean sqliteFrames = (s3 != null || wantsPg) && recordedDb == null && Files.exists(dir.resolve("fieldcap.db"))
        && hasFrames(dir);
    if (s3 != null && recorded == null && sqliteFrames && recordedDb == null) {
      throw new IOException(dir + " keeps its images as files; it cannot be switched to " + s3.describe()
          + " in place (start a new data folder for the object store, or fieldcap server migrate)");
    }
    if (s3 != null && recorded != null && !(recorded.bucket().equals(s3.bucket()) && recorded.prefix().equals(s3.prefix()))) {
      throw new IOException(dir + " keeps its images in " + recorded.describe() + ", not " + s3.describe());
    }
    if (database != null && !wantsPg && recordedDb != null) {
      throw new IOException(dir + " keeps its metadata in " + recordedDb + ", not in SQLite (server.database: " + database + ")");
    }
    if (wantsPg && recordedDb == null && sqliteFrames) {
      throw new IOException(dir + " keeps its metadata in SQLite (fieldcap.db); move it to " + DatabaseUrl.parse(database).describe()
          + " with: fieldcap server migrate --from sqlite:" + dir + " --to " + DatabaseUrl.parse(database).describe());
    }
    if (s3 != null) {
      recorded = s3;
    }
    String useDb = wantsPg ? database : recordedDb;
    ImageStore images;
    try {
      images = recorded == null ? new FileImages(dir) : new S3Images(recorded, dir.resolve("cache"));
      if (s3 != null) {
        StoreFile.write(dir, s3); // once the bucket answered: a folder never points at a store it cannot reach
      }
    } catch (NoClassDefFoundError e) {
      throw new IOException(dir + " keeps its images in " + recorded.describe() + ", and this jar has no S3 client;"
          + " run fieldcap-server.jar (the device jar leaves it out)", e);
    }
    try {
      return openWith(dir, images, useDb);
    } catch (IOException | RuntimeException e) {
      images.close();
      throw e;
    }
  }
  private static boolean hasFrames(Path dir) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fieldcap.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT EXISTS (SELECT 1 FROM frames)")) {
      return r.next() && r.getInt(1) == 1;
    } catch (SQLException e) {
      return false; // no frames table yet
    }
  }
  private static LocalFrameStore openWith(Path dir, ImageStore images, String database) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("staging"));
    clearStaleTmp(dir.resolve("tmp"));
    Db db;
    try {
      db = Db.open(database, dir);
    } catch (IOException e) {
      throw new IOException(database == null ? "cannot open " + dir.resolve("fieldcap.db") + ": " + e.getMessage()
          : e.getMessage(), e);
    }
    Durable.syncDir(dir); // images/, staging/ and fieldcap.db (SQLite syncs the folder for its WAL only)
    if (db.postgres()) {
      StoreFile.writeDatabase(dir, db.describe()); // once it answered, as store.json
    }
    return new LocalFrameStore(dir, db, images);
  }
  /**
   * Deletes what was left in {@code DATA/tmp} by processes that ended (files being assembled, never
   * acked): loose files, and folders untouched for an hour (a running server's folder changes with
   * every frame it assembles; one idle longer is recreated when next needed).
   */
  private static void clearStaleTmp(Path root) throws IOException {
    Files.createDirectories(root);
    Instant stale = Instant.now().minus(Duration.ofHours(1));
    try (Stream<Path> entries = Files.list(root)) {
      for (Path e : (Iterable<Path>) entries::iterator) {
        try {
          if (!Files.isDirectory(e) || Files.getLastModifiedTime(e).toInstant().isBefore(stale)) {
            Trees.delete(e);
          }
        } catch (NoSuchFileException gone) {
          // another server cleared it at the same moment
        }
      }
    }
  }
}
