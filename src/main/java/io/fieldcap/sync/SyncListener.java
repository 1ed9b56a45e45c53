package io.fieldcap.sync;

import io.fieldcap.spool.PendingFrame;
import java.time.Instant;

/** Observes sync outcomes, for benchmarks and status. */
public interface SyncListener {
  SyncListener NONE = (frame, at, duplicate) -> {};

  /** The server acknowledged {@code frame} at {@code at} as stored or as a duplicate. */
  void acked(PendingFrame frame, Instant at, boolean duplicate);
}
