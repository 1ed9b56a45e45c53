package io.fieldcap.sync;

import io.fieldcap.spool.PendingFrame;

/** A frame offered to the server and not yet answered for good; owned by the sync thread. */
final class InFlight {
  final PendingFrame frame;
  long lastActivityNanos;
  int offers;
  int refusals;
  /** The labels' JSON when it travels after the image in the chunked transfer (see {@code Manifest#labelsBytes}), else null. */
  byte[] labelsTail;

  /** When the frame was first offered: the start of its ack latency. */
  final long startNanos;

  InFlight(PendingFrame frame, long now) {
    this.frame = frame;
    this.lastActivityNanos = now;
    this.startNanos = now;
  }
}
