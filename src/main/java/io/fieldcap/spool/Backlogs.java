package io.fieldcap.spool;

import io.fieldcap.model.FrameId;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a spool holding a large backlog quickly, for benchmarks: the frames are written as a
 * normal spool would hold them (files under {@code frames/DAY/}, one pending row each, sequence
 * numbers reserved) but without an fsync per frame, and committed in batches. Not for real data.
 */
public final class Backlogs {
  private Backlogs() {}

  /** Writes {@code n} pending copies of {@code jpeg} into the new spool {@code s} at {@code dir}, captured one second apart from {@code start}. */
  public static void synthesize(Spool s, Path dir, int n, byte[] jpeg, int width, int height, Instant start) {
    try {
      String sha = Sha256.hex(jpeg);
      int batch = 5000;
      for (int from = 0; from < n; from += batch) {
        int to = Math.min(n, from + batch);
        List<SpoolEntry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
          long seq = s.nextSequence();
          Instant at = start.plusSeconds(i);
          SpoolEntry e = new SpoolEntry(FrameId.of(at, seq), seq, at, width, height, jpeg, null, 0, "all", null);
          String rel = "frames/" + Spool.DAY.format(at) + "/" + e.id() + ".jpg";
          Path f = dir.resolve(rel);
          Files.createDirectories(f.getParent());
          Files.write(f, jpeg);
          entries.add(e);
        }
        long now = System.currentTimeMillis();
        synchronized (s) { // the spool's lock: sequence numbers are reserved on the same connection from another thread
          s.db().inTransaction(() -> {
            for (SpoolEntry e : entries) {
              s.db().insertFrame(e, "frames/" + Spool.DAY.format(e.capturedAt()) + "/" + e.id() + ".jpg", sha, now);
            }
            s.db().addCounts(Map.of(Counters.CAPTURED, (long) entries.size()));
          });
        }
      }
    } catch (IOException | SQLException e) {
      throw new SpoolException("cannot build a backlog in " + dir + ": " + e.getMessage(), e);
    }
  }
}
