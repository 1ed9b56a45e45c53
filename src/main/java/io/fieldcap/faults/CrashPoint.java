package io.fieldcap.faults;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points in fieldcap where a fault can be injected, for the reliability tests. With the system
 * property {@code fieldcap.crash-at=NAME:N[:KIND]}, the N-th time the process reaches point NAME (N
 * defaults to 1):
 *
 * <ul>
 *   <li>{@code halt} (the default): the process halts (exit code {@value #EXIT_CODE}, no shutdown
 *       hooks, no finally blocks, no flushes: as close to a power cut as a process can get);
 *   <li>{@code throw}: a {@link InjectedFault} (a RuntimeException) is thrown there, once: a failure
 *       on one frame, which the stage must count and survive;
 *   <li>{@code die}: an {@link InjectedDeath} (an Error) is thrown there, once: a stage that dies,
 *       which must stop the agent with exit code 1.
 * </ul>
 *
 * <p>Without the property, {@link #reach} is a field read.
 *
 * <p>Points of the durable writes: {@code spool.written} (image bytes written to the temporary
 * file, not yet fsynced), {@code spool.synced} (fsynced, not renamed), {@code spool.renamed}
 * (renamed, folder not fsynced), {@code spool.durable} (file durable, row not committed), {@code
 * spool.committed} (row committed), {@code spool.ack-committed} (the server's ack committed, local
 * file not yet deleted), {@code store.durable} (server: image durable, row not committed), {@code
 * store.committed} (server: row committed, ack not sent). Points of the agent's stages, once per
 * frame: {@code stage.prepare}, {@code stage.label}, {@code stage.write}.
 */
public final class CrashPoint {
  /** The exit status of a halt at a crash point. */
  public static final int EXIT_CODE = 86;

  /** A failure injected at a crash point of kind {@code throw}. */
  public static final class InjectedFault extends RuntimeException {
    InjectedFault(String point) {
      super("injected fault at " + point);
    }
  }

  /** A death injected at a crash point of kind {@code die}. */
  public static final class InjectedDeath extends Error {
    InjectedDeath(String point) {
      super("injected death at " + point);
    }
  }

  private enum Kind { HALT, THROW, DIE }

  private static final String NAME;
  private static final long AT;
  private static final Kind KIND;
  private static final AtomicLong REACHED = new AtomicLong();

  static {
    String spec = System.getProperty("fieldcap.crash-at");
    if (spec == null || spec.isBlank()) {
      NAME = null;
      AT = 0;
      KIND = Kind.HALT;
    } else {
      String[] parts = spec.split(":");
      NAME = parts[0];
      AT = parts.length > 1 ? Long.parseLong(parts[1]) : 1;
      KIND = parts.length > 2 ? Kind.valueOf(parts[2].toUpperCase(Locale.ROOT)) : Kind.HALT;
    }
  }

  private CrashPoint() {}

  /** Injects the configured fault here if this is the configured point and its N-th reach. */
  public static void reach(String name) {
    if (NAME != null && NAME.equals(name) && REACHED.incrementAndGet() == AT) {
      switch (KIND) {
        case THROW -> throw new InjectedFault(name);
        case DIE -> throw new InjectedDeath(name);
        default -> {
          System.err.println("fieldcap: crash point " + name + " reached; halting");
          Runtime.getRuntime().halt(EXIT_CODE);
        }
      }
    }
  }
}
