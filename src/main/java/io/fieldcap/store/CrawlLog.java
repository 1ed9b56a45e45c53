package io.fieldcap.store;

import java.io.IOException;
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
  private final Sql sql;

  CrawlLog(Sql sql) {
    this.sql = sql;
  }

  /** The recorded outcome of a URL, or null when it was never tried. */
  public String outcome(String source, String url) throws IOException {
    return sql.first("cannot read the crawl log of " + source, "SELECT outcome FROM crawl_log WHERE source = ? AND url = ?",
        r -> r.getString(1), source, url);
  }

  public void record(String source, String url, String outcome, String reason, String frameId, Instant at) throws IOException {
    sql.update("cannot record " + url + " in the crawl log of " + source, """
        INSERT INTO crawl_log(source, url, outcome, reason, frame_id, at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (source, url) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
          frame_id = excluded.frame_id, at = excluded.at""", source, url, outcome, reason, frameId, at);
  }
}
