package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one SQLite data folder: the server, and a command beside it ({@code fieldcap import}). */
class DbTest {
  @TempDir Path tmp;

  /**
   * The probe: {@code fieldcap import} while the server ran failed with SQLITE_BUSY ("database is
   * locked") at once. Its transaction read, the server wrote, and its first write could not upgrade
   * a stale read snapshot; SQLite does not wait in that case. Transactions that begin IMMEDIATE take
   * the write lock first, so the other writer waits for the commit instead.
   */
  @Test
  void aTransactionThatReadsThenWritesWaitsForTheOtherWriterInsteadOfFailing() throws Exception {
    Path file = tmp.resolve("fieldcap.db");
    try (Db a = Db.sqlite(file); Db b = Db.sqlite(file)) {
      try (Statement s = a.c().createStatement()) {
        s.execute("CREATE TABLE t(v INTEGER)");
      }
      Connection ca = a.c();
      ca.setAutoCommit(false);
      try (Statement s = ca.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
        assertThat(r.next()).isTrue();
      }
      CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
        try (Statement s = b.c().createStatement()) {
          return s.executeUpdate("INSERT INTO t VALUES (2)");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300); // the other writer has had time to write, or to start waiting
      try (Statement s = ca.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (1)");
      }
      ca.commit();
      ca.setAutoCommit(true);
      assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      try (Statement s = a.c().createStatement(); ResultSet r = s.executeQuery("SELECT group_concat(v) FROM t ORDER BY v")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).as("both writes kept, the waiting one second").isEqualTo("1,2");
      }
    }
  }
}
