package io.fieldcap.geo;

import io.fieldcap.model.Fix;
import java.time.Duration;
import java.time.Instant;

/** Where the agent's positions come from (gpsd, MAVLink); read from any thread, never blocking. */
public interface PositionSource extends AutoCloseable {
  /** The latest fix if it arrived within {@code maxAge}, else null (no fix yet, stale, source gone). */
  Fix latest(Duration maxAge);

  @Override
  void close();

  /** The newest fix of a source and when it arrived, swapped as one value so readers never mix two. */
  final class Latest {
    private record Stamped(Fix fix, Instant at) {}

    private volatile Stamped latest;

    void set(Fix f) {
      latest = new Stamped(f, Instant.now());
    }

    Fix within(Duration maxAge) {
      Stamped s = latest;
      return s == null || Duration.between(s.at(), Instant.now()).compareTo(maxAge) > 0 ? null : s.fix();
    }
  }
}
