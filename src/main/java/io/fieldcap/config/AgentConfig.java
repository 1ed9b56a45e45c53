package io.fieldcap.config;

import java.time.Duration;

/**
 * How the agent process behaves.
 *
 * @param summaryInterval how often the agent logs a one-line summary of its counters
 * @param stopTimeout how long a SIGTERM may take to stop the agent
 * @param metricsListen HOST:PORT of the Prometheus endpoint ({@code agent.metrics-listen}), or null for none
 * @param nice the nice value (0-19) of the agent's own work next to inference ({@code agent.nice}):
 *     preparing, encoding, storing and ffmpeg's decoding; 0 leaves them at the process's priority
 */
public record AgentConfig(Duration summaryInterval, Duration stopTimeout, String metricsListen, int nice) {
  /** The default nice value of the agent's own work: inference first. */
  public static final int NICE = 19;

  public AgentConfig(Duration summaryInterval, Duration stopTimeout) {
    this(summaryInterval, stopTimeout, null, NICE);
  }
}
