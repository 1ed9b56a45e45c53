package io.fieldcap.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** A latency histogram in seconds with fixed buckets, rendered in Prometheus' text format. Thread-safe. */
public final class Histogram {
  private static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  public Histogram() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  public void observeNanos(long nanos) {
    double s = nanos / 1e9;
    int i = 0;
    while (i < BOUNDS.length && s > BOUNDS[i]) {
      i++;
    }
    counts[i].increment();
    sumNanos.add(nanos);
  }

  public long count() {
    long n = 0;
    for (LongAdder c : counts) {
      n += c.sum();
    }
    return n;
  }

  /** The family: HELP, TYPE, cumulative {@code _bucket}s, {@code _sum} and {@code _count}. */
  public void render(StringBuilder b, String name, String help) {
    Prom.family(b, name, "histogram", help);
    long cumulative = 0;
    for (int i = 0; i < BOUNDS.length; i++) {
      cumulative += counts[i].sum();
      b.append(name).append("_bucket{le=\"").append(BOUNDS[i]).append("\"} ").append(cumulative).append('\n');
    }
    cumulative += counts[BOUNDS.length].sum();
    b.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    b.append(name).append("_sum ").append(String.format(Locale.ROOT, "%.6f", sumNanos.sum() / 1e9)).append('\n');
    b.append(name).append("_count ").append(cumulative).append('\n');
  }
}
