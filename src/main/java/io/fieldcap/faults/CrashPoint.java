package io.fieldcap.faults;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points between the steps of fieldcap's durable writes. With the system property
 * {@code fieldcap.crash-at=NAME:N} the process halts (exit code {@value #EXIT_CODE}, no shutdown hooks,
 * no finally blocks, no flushes: as close to a power cut as a process can get) the N-th time it
 * reaches point NAME; N defaults to 1. Without the property, {@link #reach} is a field read.
 *
 * <p>Points: {@code spool.written} (image bytes written to the temporary file, not yet fsynced),
 * {@code spool.synced} (fsynced, not renamed), {@code spool.renamed} (renamed, folder not fsynced),
 * {@code spool.durable} (file durable, row not committed), {@code spool.committed} (row committed),
 * {@code spool.ack-committed} (the server's ack committed, local file not yet deleted),
 * {@code store.durable} (server: image durable, row not committed), {@code store.committed}
 * (server: row committed, ack not sent).
 */
public final class CrashPoint {
  /** The exit status of a halt at a crash point. */
  public static final int EXIT_CODE = 86;

  private static final String NAME;
  private static final long AT;
  private static final AtomicLong REACHED = new AtomicLong();

  static {
    String spec = System.getProperty("fieldcap.crash-at");
    if (spec == null || spec.isBlank()) {
      NAME = null;
      AT = 0;
    } else {
      int colon = spec.lastIndexOf(':');
      NAME = colon < 0 ? spec : spec.substring(0, colon);
      AT = colon < 0 ? 1 : Long.parseLong(spec.substring(colon + 1));
    }
  }

  private CrashPoint() {}

  /** Halts the process here if this is the configured point and its N-th reach. */
  public static void reach(String name) {
    if (NAME != null && NAME.equals(name) && REACHED.incrementAndGet() == AT) {
      System.err.println("fieldcap: crash point " + name + " reached; halting");
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
