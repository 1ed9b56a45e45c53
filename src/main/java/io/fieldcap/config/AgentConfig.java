package io.fieldcap.config;

import java.time.Duration;

/**
 * How the agent process behaves.
 *
 * @param summaryInterval how often the agent logs a one-line summary of its counters
 * @param stopTimeout how long a SIGTERM may take to stop the agent
 */
public record AgentConfig(Duration summaryInterval, Duration stopTimeout) {}
