package io.fieldcap.store;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The store tables' one way to run SQL: a statement with its arguments bound in order, under the
 * store's lock, on the {@link Db}'s connection, an {@link SQLException} turned into an {@link
 * IOException} that says what was being done. Arguments: {@code String}, {@code Integer}, {@code
 * Long}, {@code Double}, {@code Instant} (as ISO-8601 text, how every time is kept) or null.
 */
final class Sql {
  /** Maps the current row of a result. */
  interface Row<T> {
    T map(ResultSet r) throws SQLException, IOException;
  }

  /** Takes the current row of a result. */
  interface Each {
    void accept(ResultSet r) throws SQLException, IOException;
  }

  /** Work done in one transaction. */
  interface Work<T> {
    T run() throws IOException, SQLException;
  }

  private final Object lock;
  private final Db db;

  Sql(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
  int update(String doing, String sql, Object... args) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement(sql)) {
        bind(p, args);
        return p.executeUpdate();
      } catch (SQLException e) {
        throw failed(doing, e);
      }
    }
  }

  /** Every row of a query, mapped. */
  <T> List<T> list(String doing, String sql, Row<T> row, Object... args) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement(sql)) {
        bind(p, args);
        List<T> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(row.map(r));
          }
        }
        return out;
      } catch (SQLException e) {
        throw failed(doing, e);
      }
    }
  }

  /** Hands each row of a query to {@code each}, as it is read (nothing is held). */
  void each(String doing, String sql, Each each, Object... args) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement(sql)) {
        bind(p, args);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            each.accept(r);
          }
        }
      } catch (SQLException e) {
        throw failed(doing, e);
      }
    }
  }

  /** The first row of a query, mapped, or null when there is none. */
  <T> T first(String doing, String sql, Row<T> row, Object... args) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement(sql)) {
        bind(p, args);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? row.map(r) : null;
        }
      } catch (SQLException e) {
        throw failed(doing, e);
      }
    }
  }

  /**
   * Runs {@code work} in one transaction (one commit, one fsync); nothing of it is kept if it throws.
   * A transaction within a transaction joins the outer one.
   */
  <T> T transaction(String doing, Work<T> work) throws IOException {
    synchronized (lock) {
      boolean outer;
      try {
        outer = db.c().getAutoCommit();
        if (outer) {
          db.c().setAutoCommit(false);
        }
      } catch (SQLException e) {
        throw failed(doing, e);
      }
      if (!outer) {
        try {
          return work.run();
        } catch (SQLException e) {
          throw failed(doing, e);
        }
      }
      try {
        T t = work.run();
        db.c().commit();
        return t;
      } catch (SQLException e) {
        rollback();
        throw failed(doing, e);
      } catch (IOException | RuntimeException e) {
        rollback();
        throw e;
      } finally {
        try {
          db.c().setAutoCommit(true);
        } catch (SQLException e) {
          // a broken connection: Db replaces it at the next use
        }
      }
    }
  }

  private void rollback() {
    try {
      db.c().rollback();
    } catch (SQLException e) {
      // the transaction is gone with the connection
    }
  }

  static void bind(PreparedStatement p, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        p.setNull(i + 1, Types.NULL); // PostgreSQL infers the column's type; SQLite has none to infer
      } else if (a instanceof String s) {
        p.setString(i + 1, s);
      } else if (a instanceof Integer n) {
        p.setInt(i + 1, n);
      } else if (a instanceof Long n) {
        p.setLong(i + 1, n);
      } else if (a instanceof Double d) {
        p.setDouble(i + 1, d);
      } else if (a instanceof Instant t) {
        p.setString(i + 1, t.toString());
      } else {
        throw new IllegalArgumentException("Sql cannot bind a " + a.getClass().getSimpleName() + " (argument " + (i + 1) + ")");
      }
    }
  }

  private static IOException failed(String doing, SQLException e) {
    return new IOException(doing == null ? e.getMessage() : doing + ": " + e.getMessage(), e);
  }
}
