package io.fieldcap.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL for tests: a temporary cluster from Debian's {@code postgresql} package ({@code
 * initdb}, {@code pg_ctl}), on a free loopback port, run as the {@code postgres} user when the tests
 * run as root (PostgreSQL refuses root), with one fresh database. With {@code
 * FIELDCAP_TEST_POSTGRES_URL} ({@code postgresql://user:password@host:port/db} of a role that may
 * create databases) the same tests run against that server instead, each in a database of its own.
 */
public final class PgServer implements AutoCloseable {
  private final Path dir;
  private final Path bin;
  private final boolean asPostgres;
  /** The database's URL as {@code server.database} takes it. */
  public final String url;

  private PgServer(Path dir, Path bin, boolean asPostgres, String url) {
    this.dir = dir;
    this.bin = bin;
    this.asPostgres = asPostgres;
    this.url = url;
  }

  public static PgServer start() throws Exception {
    String given = System.getenv("FIELDCAP_TEST_POSTGRES_URL");
    if (given != null && !given.isBlank()) {
      String name = "fieldcap_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      java.net.URI u = java.net.URI.create(given);
      String[] ui = u.getUserInfo() == null ? new String[0] : u.getUserInfo().split(":", 2);
      String jdbc = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getPath();
      try (Connection c = DriverManager.getConnection(jdbc, ui.length > 0 ? ui[0] : null, ui.length > 1 ? ui[1] : null);
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      return new PgServer(null, null, false, given.replaceFirst(u.getPath() + "$", "/" + name));
    }
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("fieldcap-pg");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    PgServer pg = new PgServer(dir, bin, root, null);
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()));
    }
    int port = TestMedia.freePort();
    pg.asOwner("initdb", "-D", dir.resolve("data").toString(), "-U", "fieldcap", "--auth=trust", "-E", "UTF8",
        "--no-sync", "--locale=C");
    pg.pgCtlStart(port);
    String url = "postgresql://fieldcap@127.0.0.1:" + port + "/fieldcap";
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "fieldcap", null);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE fieldcap");
    } catch (Exception e) {
      pg.close();
      throw e;
    }
    return new PgServer(dir, bin, root, url);
  }

  private void pgCtlStart(int port) throws Exception {
    asOwner("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200", "start");
  }

  /**
   * Stops the server the way a crash does: {@code pg_ctl stop -m immediate} (every process quits at
   * once, no checkpoint; the next start runs crash recovery from the WAL).
   */
  public void crash() throws Exception {
    asOwner("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
  }

  /** Starts it again on the same port, after {@link #crash()}. */
  public void restart() throws Exception {
    pgCtlStart(java.net.URI.create(url).getPort());
  }

  /** The newest PostgreSQL under /usr/lib/postgresql (Debian's layout), or the one on the PATH. */
  private static Path binaries() throws IOException {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
            .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
            .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    throw new IOException("no PostgreSQL server binaries (initdb) in /usr/lib/postgresql: install Debian's postgresql"
        + " (scripts/setup.sh does), or set FIELDCAP_TEST_POSTGRES_URL");
  }

  private void asOwner(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }

  /** A fresh, empty database on this server: its URL. */
  public String newDatabase() throws Exception {
    String name = "fieldcap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return url.substring(0, url.lastIndexOf('/') + 1) + name;
  }

  /** Rows of a query, for tests that look into the database: each row's columns joined with '|'. */
  public List<String> query(String sql) throws Exception {
    return query(url, sql);
  }

  /** {@link #query(String)} on the database at {@code databaseUrl}. */
  public static List<String> query(String databaseUrl, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(databaseUrl);
        Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? "|" : "").append(r.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  /** A JDBC connection to this server's database. */
  public Connection connect() throws Exception {
    return connect(url);
  }

  private static Connection connect(String databaseUrl) throws Exception {
    java.net.URI u = java.net.URI.create(databaseUrl);
    String[] ui = u.getUserInfo() == null ? new String[0] : u.getUserInfo().split(":", 2);
    return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(),
        ui.length > 0 ? ui[0] : null, ui.length > 1 ? ui[1] : null);
  }

  @Override
  public void close() {
    if (dir == null) {
      return;
    }
    try {
      asOwner("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } catch (Exception e) {
      // stopped already, or never started
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder
    }
  }
}
