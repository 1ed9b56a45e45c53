package io.fieldcap.config;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL {@code server.database} value taken apart: the JDBC URL, the user and password (from the
 * URL, else {@code PGUSER}/{@code PGPASSWORD}), and a description with the password left out, for
 * messages. {@link #check} tells SQLite from PostgreSQL and refuses anything else, naming the value.
 */
public record DatabaseUrl(String jdbc, String user, String password, String describe) {
  /** Takes a PostgreSQL URL apart; one that is not a URL or lacks a host or database is refused, naming it. */
  public static DatabaseUrl parse(String url) throws IOException {
    if (url.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(url, env("PGUSER"), env("PGPASSWORD"), url.replaceAll("password=[^&]*", "password=***"));
    }
    URI u;
    try {
      u = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
    } catch (IllegalArgumentException e) {
      throw new IOException("database '" + url + "' is not a URL: " + e.getMessage(), e);
    }
    if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
      throw new IOException("database '" + redact(url) + "': expected postgresql://[user@]host[:port]/database");
    }
    String user = env("PGUSER");
    String password = env("PGPASSWORD");
    if (u.getRawUserInfo() != null) {
      String[] ui = u.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(ui[0], StandardCharsets.UTF_8);
      if (ui.length == 2) {
        password = URLDecoder.decode(ui[1], StandardCharsets.UTF_8);
      }
    }
    String hostPort = u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    return new DatabaseUrl("jdbc:postgresql://" + hostPort + u.getRawPath() + query, user, password,
        "postgresql://" + (user == null ? "" : user + "@") + hostPort + u.getRawPath() + query);
  }

  static String redact(String url) {
    return url.replaceFirst("//([^:/@]*):[^@/]*@", "//$1:***@");
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v;
  }

  /**
   * Checks a {@code server.database} value: true for PostgreSQL, false for SQLite (null, {@code sqlite:}).
   *
   * @throws IOException naming the value when it is neither
   */
  public static boolean check(String database) throws IOException {
    if (database == null || database.isBlank() || database.equals("sqlite:") || database.equals("sqlite")) {
      return false;
    }
    if (isPostgres(database)) {
      parse(database);
      return true;
    }
    throw new IOException("database '" + redact(database) + "': expected sqlite: or postgresql://host/db");
  }

  public static boolean isPostgres(String database) {
    return database != null && (database.startsWith("postgresql://") || database.startsWith("postgres://")
        || database.startsWith("jdbc:postgresql:"));
  }
}
