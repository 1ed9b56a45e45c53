package io.fieldcap.store;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What {@code import --format urls} did with each URL, so that an interrupted crawl resumes where it
 * stopped: URLs with a final outcome (stored, duplicate, refused) are not fetched again; URLs that
 * failed for a reason that may pass (a network error, a server error) are tried again.
 *
 * <pre>
 * crawl_log(source, url, outcome ('stored' | 'duplicate' | 'refused' | 'failed'), reason, frame_id, at,
 *           PRIMARY KEY (source, url))
 * </pre>
 */
public final class CrawlLog {
  private final Object lock;
  private final Db db;

  CrawlLog(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  /** The recorded outcome of a URL, or null when it was never tried. */
  public String outcome(String source, String url) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("SELECT outcome FROM crawl_log WHERE source = ? AND url = ?")) {
        p.setString(1, source);
        p.setString(2, url);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getString(1) : null;
        }
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  public void record(String source, String url, String outcome, String reason, String frameId, Instant at) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement(
          """
          INSERT INTO crawl_log(source, url, outcome, reason, frame_id, at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (source, url) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
            frame_id = excluded.frame_id, at = excluded.at""")) {
        p.setString(1, source);
        p.setString(2, url);
        p.setString(3, outcome);
        p.setString(4, reason);
        p.setString(5, frameId);
        p.setString(6, at.toString());
        p.executeUpdate();
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
