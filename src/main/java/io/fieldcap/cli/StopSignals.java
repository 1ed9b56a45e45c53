package io.fieldcap.cli;

import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Handles SIGTERM and SIGINT so that a requested stop is a clean exit (code 0) rather than the
 * JVM's 143/130. Falls back to the shutdown hook alone where the JVM does not allow it.
 */
final class StopSignals {
  private StopSignals() {}

  static void onTermOrInt(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          LoggerFactory.getLogger(StopSignals.class).info("SIG{} received: stopping", name);
          new Thread(stop, "stop").start();
        });
      } catch (IllegalArgumentException e) {
        LoggerFactory.getLogger(StopSignals.class).debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
