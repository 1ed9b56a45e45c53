package io.fieldcap.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fieldcap.config.DatabaseUrl;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The server's metadata database: SQLite in the data folder ({@code server.database: sqlite:}, the
 * default) or PostgreSQL ({@code postgresql://[user@]host[:port]/db}). Both get their schema from
 * Flyway migrations ({@code db/migration/sqlite}, {@code db/migration/postgresql}), run at every
 * open; a data folder made before the migrations existed is taken as their baseline.
 *
 * <p>Each process does its metadata work on one connection at a time, under the store's lock (SQLite
 * has one writer anyway); {@link #c()} hands out that connection, and for PostgreSQL takes a fresh one
 * from the pool when the database dropped it (a restart, a failover). Any number of processes write
 * at once: idempotency is the primary key (device, frame id), enforced by the database.
 */
public final class Db implements AutoCloseable {
  /** Which engine. */
  public enum Kind { SQLITE, POSTGRESQL }

  private final Kind kind;
  private final String described;
  private final HikariDataSource pool;
  private final SQLiteDataSource sqlite;
  private Connection held;

  private Db(Kind kind, String described, HikariDataSource pool, SQLiteDataSource sqlite) {
    this.kind = kind;
    this.described = described;
    this.pool = pool;
    this.sqlite = sqlite;
  }

  /**
   * SQLite in {@code file}: WAL, every commit fsynced, waiting up to 30 s for another process's write.
   * Transactions begin IMMEDIATE: one that read first and wrote later would otherwise fail at once
   * with SQLITE_BUSY, without waiting, whenever another process (the server, while {@code fieldcap
   * import} runs beside it) had written in between.
   */
  static Db sqlite(Path file) throws IOException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.setBusyTimeout(30_000);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource ds = new SQLiteDataSource(cfg);
    ds.setUrl("jdbc:sqlite:" + file);
    Db db = new Db(Kind.SQLITE, file.toString(), null, ds);
    // servers sharing a data folder start at once: one at a time brings the schema up to date
    // (SQLite refuses a second writer's snapshot outright, and Flyway has no lock of its own there)
    Path lock = file.resolveSibling(file.getFileName() + ".migrate-lock");
    synchronized (Db.class) {
      try (FileChannel ch = FileChannel.open(lock,
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = ch.lock()) {
        db.migrate(ds, file.toString());
      }
    }
    return db;
  }

  /**
   * PostgreSQL at {@code url} ({@code postgresql://[user[:password]@]host[:port]/db[?param=value...]}
   * or a {@code jdbc:postgresql:} URL). Without a user or password in the URL, pgjdbc's own defaults
   * apply: {@code PGUSER}/{@code PGPASSWORD} are read here, and {@code ~/.pgpass} by the driver.
   */
  static Db postgresql(String url) throws IOException {
    DatabaseUrl t = DatabaseUrl.parse(url);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(t.jdbc());
    if (t.user() != null) {
      cfg.setUsername(t.user());
    }
    if (t.password() != null) {
      cfg.setPassword(t.password());
    }
    cfg.setPoolName("fieldcap-metadata");
    cfg.setMaximumPoolSize(2);
    cfg.setMinimumIdle(1);
    cfg.setConnectionTimeout(15_000);
    cfg.setInitializationFailTimeout(15_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to " + t.describe() + ": " + rootMessage(e), e);
    }
    Db db = new Db(Kind.POSTGRESQL, t.describe(), ds, null);
    try {
      db.migrate(ds, t.describe());
    } catch (IOException | RuntimeException e) {
      ds.close();
      throw e;
    }
    return db;
  }

  /** {@code server.database} as written: {@code sqlite:} (in {@code dataDir}) or a PostgreSQL URL. */
  static Db open(String database, Path dataDir) throws IOException {
    if (!DatabaseUrl.check(database)) {
      return sqlite(dataDir.resolve("fieldcap.db"));
    }
    try {
      return postgresql(database);
    } catch (NoClassDefFoundError e) {
      throw new IOException(DatabaseUrl.parse(database).describe() + ": this jar has no PostgreSQL driver;"
          + " run fieldcap-server.jar (the device jar leaves it out)", e);
    }
  }

  private void migrate(DataSource ds, String where) throws IOException {
    try {
      Flyway.configure(Db.class.getClassLoader())
          .dataSource(ds)
          .locations("classpath:db/migration/" + (kind == Kind.SQLITE ? "sqlite" : "postgresql"))
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new IOException("cannot bring the schema of " + where + " up to date: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  public Kind kind() {
    return kind;
  }

  public boolean postgres() {
    return kind == Kind.POSTGRESQL;
  }

  /** The database for messages and {@code DATA/database.json}: never with a password. */
  public String describe() {
    return kind == Kind.SQLITE ? "sqlite:" + described : described;
  }

  /** The connection for the caller's work; callers serialise on the store's lock. */
  synchronized Connection c() throws SQLException {
    if (held == null || held.isClosed()) {
      held = pool != null ? pool.getConnection() : sqlite.getConnection();
    }
    return held;
  }

  /** {@code group_concat(expr)} in SQLite, {@code string_agg(expr, ',')} in PostgreSQL. */
  String groupConcat(String expr) {
    return postgres() ? "string_agg(" + expr + ", ',')" : "group_concat(" + expr + ")";
  }

  @Override
  public synchronized void close() {
    try {
      if (held != null) {
        held.close();
      }
    } catch (SQLException e) {
      // closing anyway
    }
    if (pool != null) {
      pool.close();
    }
  }
}
