package io.fieldcap.config;

import java.time.Duration;

/**
 * How the agent process behaves.
 *
 * @param summaryInterval how often the agent logs a one-line summary of its counters
 * @param stopTimeout how long a SIGTERM may take to stop the agent
 * @param metricsListen HOST:PORT of the Prometheus endpoint ({@code agent.metrics-listen}), or null for none
 */
public record AgentConfig(Duration summaryInterval, Duration stopTimeout, String metricsListen) {
  public AgentConfig(Duration summaryInterval, Duration stopTimeout) {
    this(summaryInterval, stopTimeout, null);
  }
}
