package io.fieldcap.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the spool's files and rows back into agreement after a crash or a power cut, at open:
 * leftover temporary files are deleted (their frame was never accepted); a row whose file is gone
 * is removed and counted as failed (only damage outside fieldcap's write order does that); an image
 * without a row (a crash between the rename and the commit, or between an ack's commit and the
 * deletion) is moved to {@code quarantine/} and counted as quarantined. Nothing here throws for damage it
 * can set aside, so a damaged spool never makes the agent crash-loop.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final Path dir;
  private final SpoolDb db;

  Reconciler(Path dir, SpoolDb db) {
    this.dir = dir;
    this.db = db;
  }

  void run() throws SQLException {
    try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
      for (Path p : (Iterable<Path>) tmp::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("spool {}: could not clean tmp/: {}", dir, e.getMessage());
    }
    Map<String, String> rows = db.files();
    List<Path> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir.resolve("frames"))) {
      files.filter(Files::isRegularFile).forEach(p -> {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (rows.remove(rel) == null) {
          orphans.add(p);
        }
      });
    } catch (IOException e) {
      throw new SpoolException("cannot list spool frames in " + dir + ": " + e.getMessage(), e);
    }
    for (Path p : orphans) {
      Path q = dir.resolve("quarantine").resolve(p.getFileName());
      try {
        Files.createDirectories(q.getParent());
        Files.move(p, q, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        log.warn("spool {}: could not quarantine {}: {}", dir, p, e.getMessage());
      }
    }
    if (!rows.isEmpty()) {
      db.inTransaction(() -> {
        for (String id : rows.values()) {
          db.deleteFrame(id);
        }
      });
    }
    if (!orphans.isEmpty() || !rows.isEmpty()) {
      db.inTransaction(() -> db.addCounts(Map.of(Counters.QUARANTINED, (long) orphans.size(),
          Counters.FAILED, (long) rows.size())));
      log.warn("spool {}: reconciled after an unclean stop: {} image(s) without a row moved to quarantine/ "
          + "(never accepted, or already acked), {} row(s) whose image is missing removed and counted as failed",
          dir, orphans.size(), rows.size());
    }
  }
}
