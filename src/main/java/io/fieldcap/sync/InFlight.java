package io.fieldcap.sync;

import io.fieldcap.spool.PendingFrame;

/** A frame offered to the server and not yet answered for good; owned by the sync thread. */
final class InFlight {
  final PendingFrame frame;
  long lastActivityNanos;
  int offers;
  int refusals;

  /** When the frame was first offered: the start of its ack latency. */
  final long startNanos;

  InFlight(PendingFrame frame, long now) {
    this.frame = frame;
    this.lastActivityNanos = now;
    this.startNanos = now;
  }
}
